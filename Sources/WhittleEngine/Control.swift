/// A parameter change sent to the audio thread through the control ring.
@frozen
public struct ControlMessage: BitwiseCopyable, Sendable {
    @frozen
    public enum Parameter: UInt8, BitwiseCopyable, Sendable {
        /// Dry signal gain (engine-wide; `node` ignored).
        case dryGain
        /// Detector threshold (peak-picking delta) of node `node`.
        case threshold
        /// Output gain of generator node `node`.
        case gain
        /// Render deadline as a fraction of the block period (engine-wide); 0 turns it off.
        case deadline
    }
    public var parameter: Parameter
    public var node: Int32
    public var value: Float

    public init(_ parameter: Parameter, node: Int32 = -1, value: Float) {
        self.parameter = parameter
        self.node = node
        self.value = value
    }
}
