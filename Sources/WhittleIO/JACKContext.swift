import CJACK
import WhittleDSP
import WhittleEngine

/// Everything the JACK process callback touches, reached through one raw pointer.
///
/// Plain values and raw pointers only: the callback does no ARC, no allocation and no locking.
/// Fields marked "audio thread" are written there alone; the rest are set before activation or
/// while the process callback is parked by the reconfigure handshake.
struct JACKContext {
    var rt: EngineRT
    var client: OpaquePointer
    var inPort: OpaquePointer
    var outPort: OpaquePointer
    var midiPort: OpaquePointer
    /// Engine processing latency in host frames (reported to JACK, used to place MIDI notes).
    var latency: Int64
    /// Largest block the engine was prepared for; a larger JACK block is silenced until re-prepared.
    var maxBlock: Int
    var midi: JACKMIDIScheduler
    /// The pitch voice's gap, kept to recompute it in frames when the rate changes.
    var pitchGapSeconds: Double

    // audio thread
    var engineFrame: Int64 = 0
    var expectedJackFrame: UInt32 = 0
    var started = false
    var ftzDone = false

    /// Counters published to other threads (atomic 64-bit slots).
    var shared: UnsafeMutablePointer<UInt64>
    /// Sequentially consistent flags (see JACKFlag).
    var flags: UnsafeMutablePointer<Int32>
    /// The Engine, unretained: only non-real-time callbacks dereference it.
    var engine: Unmanaged<Engine>
    /// Server shutdown reason, copied in the info-shutdown callback.
    var shutdownReason: UnsafeMutablePointer<CChar>
}

/// Slots of JACKContext.shared. (An explicit switch, not raw values or static constants: the
/// real-time checker treats synthesized rawValue getters and global accessors as opaque calls.)
enum JACKShared {
    case firstJackFrame, anchorJackFrame, anchorEngineFrame, discontinuities, events, midiDropped, started, oversizeBlocks, anchorCount
    /// The anchor log follows the named slots: pairs (JACK frame, engine frame), oldest first; when
    /// it is full the last pair is overwritten, so the first anchors and the latest one survive.
    static var anchorLogCapacity: Int { 8 }
    static var anchorLogBase: Int { 9 }
    static var count: Int { anchorLogBase + 2 * anchorLogCapacity }
    @inline(__always) var index: Int {
        switch self {
        case .firstJackFrame: 0
        case .anchorJackFrame: 1
        case .anchorEngineFrame: 2
        case .discontinuities: 3
        case .events: 4
        case .midiDropped: 5
        case .started: 6
        case .oversizeBlocks: 7
        case .anchorCount: 8
        }
    }
}

/// Slots of JACKContext.flags.
enum JACKFlag {
    /// paused: set by a reconfiguring thread; the process callback outputs silence and leaves the engine alone.
    /// inProcess: set by the process callback while it runs.
    /// endNotes: set by close(); the process callback ends every sounding note and sets notesEnded.
    case paused, inProcess, shutdown, latencyChanged, endNotes, notesEnded
    static var count: Int { 6 }
    @inline(__always) var index: Int {
        switch self {
        case .paused: 0
        case .inProcess: 1
        case .shutdown: 2
        case .latencyChanged: 3
        case .endNotes: 4
        case .notesEnded: 5
        }
    }
}

extension UnsafeMutablePointer where Pointee == JACKContext {
    @_noLocks @_noAllocation @inline(__always)
    func bump(_ slot: JACKShared, by n: UInt64 = 1) {
        _ = whittle_fetch_add_u64_jack(pointee.shared + slot.index, n)
    }
    @_noLocks @_noAllocation @inline(__always)
    func publish(_ slot: JACKShared, _ v: UInt64) {
        whittle_jack_store_u64(pointee.shared + slot.index, v)
    }
    func read(_ slot: JACKShared) -> UInt64 {
        whittle_jack_load_u64(pointee.shared + slot.index)
    }
    /// Records a new map between JACK's frame clock and the engine's frame count.
    @_noLocks @_noAllocation @inline(__always)
    func publishAnchor(jackFrame: UInt64, engineFrame: UInt64) {
        publish(.anchorJackFrame, jackFrame)
        publish(.anchorEngineFrame, engineFrame)
        let n = whittle_jack_load_u64(pointee.shared + JACKShared.anchorCount.index)
        let capacity = UInt64(JACKShared.anchorLogCapacity)
        let entry = Int(n < capacity ? n : capacity - 1)
        whittle_jack_store_u64(pointee.shared + JACKShared.anchorLogBase + 2 * entry, jackFrame)
        whittle_jack_store_u64(pointee.shared + JACKShared.anchorLogBase + 2 * entry + 1, engineFrame)
        publish(.anchorCount, n &+ 1)
    }
    /// The anchor log, oldest first (see JACKShared.anchorLogCapacity).
    func readAnchors() -> [JACKAnchor] {
        let n = min(Int(read(.anchorCount)), JACKShared.anchorLogCapacity)
        return (0..<n).map {
            JACKAnchor(jackFrame: whittle_jack_load_u64(pointee.shared + JACKShared.anchorLogBase + 2 * $0),
                       engineFrame: whittle_jack_load_u64(pointee.shared + JACKShared.anchorLogBase + 2 * $0 + 1))
        }
    }
    @_noLocks @_noAllocation @inline(__always)
    func flag(_ f: JACKFlag) -> Bool { whittle_jack_load_i32(pointee.flags + f.index) != 0 }
    @_noLocks @_noAllocation @inline(__always)
    func setFlag(_ f: JACKFlag, _ on: Bool) { whittle_jack_store_i32(pointee.flags + f.index, on ? 1 : 0) }
}
