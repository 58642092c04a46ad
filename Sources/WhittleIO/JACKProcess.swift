import CJACK
import Glibc
import CRealtime
import WhittleDSP
import WhittleEngine

/// The C process callback: a capture-free closure literal, so it converts to a plain C function.
let jackProcessCallback: JackProcessCallback = { nframes, arg in
    guard let arg else { return 0 }
    jackProcess(arg.assumingMemoryBound(to: JACKContext.self), frames: nframes)
    return 0
}

/// One JACK cycle: engine render plus MIDI, bracketed by the real-time probe hooks so the
/// LD_PRELOAD probe and RealtimeSanitizer check this whole body, not only the engine.
@_noLocks @_noAllocation
func jackProcess(_ ctx: UnsafeMutablePointer<JACKContext>, frames nframes: UInt32) {
    ctx.setFlag(.inProcess, true)
    whittle_rt_enter()
    if !ctx.pointee.ftzDone {
        _ = whittle_enable_ftz()
        ctx.pointee.ftzDone = true
    }
    let frames = Int(nframes)
    let input = jack_port_get_buffer(ctx.pointee.inPort, nframes)!.assumingMemoryBound(to: Float.self)
    let output = jack_port_get_buffer(ctx.pointee.outPort, nframes)!.assumingMemoryBound(to: Float.self)
    let midiBuffer = jack_port_get_buffer(ctx.pointee.midiPort, nframes)!
    jack_midi_clear_buffer(midiBuffer)

    if ctx.flag(.paused) {
        output.update(repeating: 0, count: frames)
    } else if frames > ctx.pointee.maxBlock {
        // Only until the buffer-size callback has re-prepared the engine.
        output.update(repeating: 0, count: frames)
        ctx.bump(.oversizeBlocks)
    } else {
        trackFrameClock(ctx, jackFrame: jack_last_frame_time(ctx.pointee.client), frames: nframes)
        ctx.pointee.rt.render(input: UnsafePointer(input), output: output, frames: frames)
        let blockStart = ctx.pointee.engineFrame
        let eventCount = ctx.pointee.rt.lastBlockEventCount
        if eventCount > 0 { ctx.bump(.events, by: UInt64(eventCount)) }
        var dropped = 0
        if !ctx.flag(.notesEnded) {    // once the last notes have ended, MIDI stays silent until deactivation
            dropped += ctx.pointee.midi.schedule(rt: ctx.pointee.rt, blockStart: blockStart, frames: frames,
                                                 latency: ctx.pointee.latency)
            if ctx.flag(.endNotes) {
                dropped += ctx.pointee.midi.endAllNotes(offset: UInt32(frames - 1))
                ctx.setFlag(.notesEnded, true)
            }
            dropped += ctx.pointee.midi.write(to: midiBuffer)
        }
        if dropped > 0 { ctx.bump(.midiDropped, by: UInt64(dropped)) }
        ctx.pointee.engineFrame = blockStart + Int64(frames)
    }
    whittle_rt_exit()
    ctx.setFlag(.inProcess, false)
}

/// Keeps the map between JACK's frame clock and the engine's frame count: the first cycle, and
/// a new anchor whenever a cycle was skipped (the engine then saw fewer frames than JACK counted).
@_noLocks @_noAllocation
@inline(__always)
func trackFrameClock(_ ctx: UnsafeMutablePointer<JACKContext>, jackFrame: UInt32, frames: UInt32) {
    if !ctx.pointee.started {
        ctx.pointee.started = true
        ctx.publish(.firstJackFrame, UInt64(jackFrame))
        ctx.publishAnchor(jackFrame: UInt64(jackFrame), engineFrame: UInt64(ctx.pointee.engineFrame))
        ctx.publish(.started, 1)
    } else if jackFrame != ctx.pointee.expectedJackFrame {
        ctx.bump(.discontinuities)
        ctx.publishAnchor(jackFrame: UInt64(jackFrame), engineFrame: UInt64(ctx.pointee.engineFrame))
    }
    ctx.pointee.expectedJackFrame = jackFrame &+ frames
}

/// Reports our latency on top of whatever is upstream (capture) or downstream (playback).
let jackLatencyCallback: JackLatencyCallback = { mode, arg in
    guard let arg else { return }
    let ctx = arg.assumingMemoryBound(to: JACKContext.self)
    let latency = jack_nframes_t(max(0, ctx.pointee.latency))
    var range = jack_latency_range_t()
    if mode == JackCaptureLatency {
        jack_port_get_latency_range(ctx.pointee.inPort, mode, &range)
        range.min += latency
        range.max += latency
        jack_port_set_latency_range(ctx.pointee.outPort, mode, &range)
        jack_port_set_latency_range(ctx.pointee.midiPort, mode, &range)
    } else {
        jack_port_get_latency_range(ctx.pointee.outPort, mode, &range)
        range.min += latency
        range.max += latency
        jack_port_set_latency_range(ctx.pointee.inPort, mode, &range)
    }
}

let jackXrunCallback: JackXRunCallback = { arg in
    guard let arg else { return 0 }
    arg.assumingMemoryBound(to: JACKContext.self).pointee.rt.noteXrun()
    return 0
}

let jackBufferSizeCallback: JackBufferSizeCallback = { nframes, arg in
    guard let arg else { return 0 }
    let ctx = arg.assumingMemoryBound(to: JACKContext.self)
    return jackReconfigure(ctx, sampleRate: nil, blockSize: Int(nframes)) ? 0 : 1
}

let jackSampleRateCallback: JackSampleRateCallback = { rate, arg in
    guard let arg else { return 0 }
    let ctx = arg.assumingMemoryBound(to: JACKContext.self)
    return jackReconfigure(ctx, sampleRate: Double(rate), blockSize: nil) ? 0 : 1
}

let jackShutdownCallback: JackInfoShutdownCallback = { _, reason, arg in
    guard let arg else { return }
    let ctx = arg.assumingMemoryBound(to: JACKContext.self)
    if let reason { strncpy(ctx.pointee.shutdownReason, reason, 255) }
    ctx.setFlag(.shutdown, true)
}

/// Re-prepares the engine for a new rate or a block larger than it was prepared for.
/// Runs on a JACK notification thread: parks the process callback first (it outputs silence),
/// so the engine is never rendered while it reallocates.
func jackReconfigure(_ ctx: UnsafeMutablePointer<JACKContext>, sampleRate: Double?, blockSize: Int?) -> Bool {
    let engine = ctx.pointee.engine.takeUnretainedValue()
    let rate = sampleRate ?? Double(engine.sampleRate)
    let needed = max(blockSize ?? 0, ctx.pointee.maxBlock)
    let block = blockSize ?? engine.blockSize
    // Split frames and the frame queue are planned for one block size: a new size re-plans them
    // (and their latency).
    let replan = (engine.splitFrames || engine.frameQueue) && block != engine.blockSize
    if rate == Double(engine.sampleRate) && needed <= ctx.pointee.maxBlock && !replan { return true }
    ctx.setFlag(.paused, true)
    while ctx.flag(.inProcess) { usleep(100) }
    defer { ctx.setFlag(.paused, false) }
    do {
        try engine.prepare(sampleRate: rate, maxBlock: needed, blockSize: block)
    } catch {
        return false
    }
    ctx.pointee.rt = engine.realtime
    ctx.pointee.maxBlock = needed
    ctx.pointee.latency = Int64(engine.latencyFrames)
    ctx.pointee.midi.noteLength = Int64(rate * 0.05)
    ctx.pointee.midi.pitchGap = Int64(rate * ctx.pointee.pitchGapSeconds)
    // prepare() restarts the engine's frame count: restart ours and the clock map with it,
    // keeping sounding notes' note-offs at the same distance.
    ctx.pointee.midi.rebase(by: -ctx.pointee.engineFrame)
    ctx.pointee.engineFrame = 0
    ctx.pointee.started = false
    ctx.setFlag(.latencyChanged, true)
    return true
}
