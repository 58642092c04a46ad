// A batch of sequences: data[(b·time + t)·frameSize + i], each frame channels last
// ([channels] or [frequency, channels]), the layout the runtime reads frame by frame.

public struct Seq: Sendable, Equatable {
    public var batch: Int
    public var time: Int
    public var frame: [Int]
    public var data: [Float]

    public init(batch: Int, time: Int, frame: [Int], data: [Float]) {
        precondition(data.count == batch * time * frame.reduce(1, *), "Seq data does not match [\(batch), \(time)] + \(frame)")
        self.batch = batch; self.time = time; self.frame = frame; self.data = data
    }

    public init(zeros batch: Int, _ time: Int, _ frame: [Int]) {
        self.init(batch: batch, time: time, frame: frame, data: [Float](repeating: 0, count: batch * time * frame.reduce(1, *)))
    }

    /// From a tensor shaped [B, T] + frame ([B, T] alone means one value per frame).
    public init(_ tensor: TensorData) throws {
        guard tensor.shape.count >= 2 else { throw TrainError("sequence tensors are [batch, time, frame...], got shape \(tensor.shape)") }
        let frame = tensor.shape.count == 2 ? [1] : Array(tensor.shape.dropFirst(2))
        self.init(batch: tensor.shape[0], time: tensor.shape[1], frame: frame, data: tensor.values)
    }

    public var tensor: TensorData { TensorData(shape: [batch, time] + frame, values: data) }
    public var frameSize: Int { frame.reduce(1, *) }
    public var channels: Int { frame.last ?? 1 }
    /// Batch × time rows of one frame each.
    public var rows: Int { batch * time }
    public func like(_ other: [Int]? = nil) -> Seq { Seq(zeros: batch, time, other ?? frame) }
}

/// Adds `source` into `target` element-wise.
@inline(__always)
func accumulate(_ target: inout [Float], _ source: [Float]) {
    precondition(target.count == source.count)
    target.withUnsafeMutableBufferPointer { t in source.withUnsafeBufferPointer { s in for i in 0..<t.count { t[i] += s[i] } } }
}
