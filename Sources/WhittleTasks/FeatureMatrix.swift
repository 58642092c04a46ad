/// Feature frames stored flat: `values[t * width + k]`.
public struct FeatureMatrix: Sendable, Equatable {
    public var frames: Int
    public var width: Int
    public var values: [Float]

    public init(frames: Int, width: Int, values: [Float]) {
        precondition(values.count == frames * width)
        self.frames = frames; self.width = width; self.values = values
    }

    public init(rows: [[Float]], width: Int) {
        self.init(frames: rows.count, width: width, values: rows.flatMap { $0 })
    }

    public func rows(_ range: Range<Int>) -> ArraySlice<Float> {
        values[(range.lowerBound * width)..<(range.upperBound * width)]
    }
}
