import ArgumentParser
import WhittleEngine
import WhittleIO

extension RunCommand {
    func runALSA(engine: Engine, writers: [EventWriter]) throws {
        var options = ALSAHost.Options(device: device ?? "default")
        options.rate = rate
        options.period = period
        options.periods = periods
        let host: ALSAHost
        var pump: EventPump?
        do {
            host = try ALSAHost(engine: engine, options: options)
            pump = startEventPump(engine: engine, writers: writers)
            try host.start()
        } catch let error as ALSAError {
            liveError("\(error)")
            if case .noSuchDevice = error { throw ExitCode(2) }
            throw ExitCode(1)
        }
        let r = host.report
        liveNote("running on ALSA device '\(r.device)' (\(r.mode)\(host.captureNote.map { ": no capture, \($0)" } ?? "")): "
                  + "\(r.sampleRate) Hz, \(r.format) x\(r.channels), period \(r.periodSize) x \(r.periods), chain \(chain)")
        let failure = waitForStop(poll: host.poll)
        host.stop()
        stopEventPump(pump, writers: writers)
        RunSummary(stats: engine.stats(), sampleRate: Double(host.sampleRate), backend: "alsa", alsa: host.report).print()
        if let failure {
            liveError(failure)
            throw ExitCode(1)
        }
    }
}
