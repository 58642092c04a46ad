/// Something a processor noticed, stamped with the host frame it refers to.
///
/// Plain values only, so events cross the lock-free rings by copy.
@frozen
public struct Event: BitwiseCopyable, Equatable {
    @frozen
    public enum Kind: UInt8, BitwiseCopyable {
        case onset = 0
        case drum = 1
        case pitch = 2
    }
    public var kind: Kind
    /// Class index for multi-class detectors (drums: 0 KD, 1 SD, 2 HH); pitch: 1 voiced, 0 unvoiced
    /// (confidence below the model's voicing threshold).
    public var label: Int32
    /// Absolute host frame of the event (frames since the engine started).
    public var frame: Int64
    /// Detection strength in [0, 1] (velocity for MIDI).
    public var strength: Float
    /// Kind-specific value: f0 in Hz for pitch.
    public var value: Float

    @inlinable
    public init(kind: Kind, label: Int32 = 0, frame: Int64, strength: Float, value: Float = 0) {
        self.kind = kind
        self.label = label
        self.frame = frame
        self.strength = strength
        self.value = value
    }
}
