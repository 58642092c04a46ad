import WhittleDSP

/// Where feature frames sit in time. Frame `t` covers the `frameLength` samples ending at
/// `(t + 1) · hop` (what the streaming front end computes), and is dated at its centre —
/// the same convention the engine's neural detector uses to date its events.
public struct FrameClock: Sendable, Equatable {
    public let sampleRate: Int
    public let hop: Int
    public let frameLength: Int

    public init(_ features: FeatureSettings) {
        sampleRate = features.sampleRate
        hop = features.hop
        frameLength = features.frameLength
    }

    public func time(ofFrame t: Int) -> Double {
        Double((t + 1) * hop - frameLength / 2) / Double(sampleRate)
    }

    /// The frame whose centre is nearest to `seconds`.
    public func frame(at seconds: Double) -> Int {
        Int(((seconds * Double(sampleRate) + Double(frameLength / 2)) / Double(hop)).rounded()) - 1
    }
}
