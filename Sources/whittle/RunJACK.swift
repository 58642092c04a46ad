import ArgumentParser
import WhittleEngine
import WhittleIO

extension RunCommand {
    func runJACK(engine: Engine, writers: [EventWriter]) throws {
        var options = JACKHost.Options(serverName: server)
        options.onsetNote = UInt8(midiNote)
        options.pitch.channel = UInt8(pitchChannel - 1)
        options.pitch.bendRange = Float(bendRange)
        let host: JACKHost
        var pump: EventPump?
        do {
            host = try JACKHost(engine: engine, options: options)
            pump = startEventPump(engine: engine, writers: writers)
            try host.activate(connectIn: connectIn, connectOut: connectOut, connectMIDI: connectMIDI)
        } catch let error as JACKError {
            liveError("\(error)")
            throw ExitCode(1)
        }
        liveNote("running on JACK server '\(server ?? "default")': \(host.sampleRate) Hz, "
                  + "\(host.blockSize) frames/block, latency \(host.latencyFrames) frames, chain \(chain)")
        let failure = waitForStop(poll: host.poll)
        host.close()
        stopEventPump(pump, writers: writers)
        RunSummary(stats: engine.stats(), sampleRate: Double(host.sampleRate), backend: "jack", jack: host.report).print()
        if let failure {
            liveError("JACK server shut down: \(failure)")
            throw ExitCode(1)
        }
    }
}
