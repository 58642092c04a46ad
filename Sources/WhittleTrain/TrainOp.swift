// One graph op for training: a forward over whole sequences that keeps what its backward needs,
// and a hand-written backward. Ops are classes holding their cache, so a TrainGraph instance is
// used by one thread at a time (data-parallel workers each build their own).

/// Trainable tensors (and BatchNorm running statistics) by full name "<node>.<param>".
public typealias Parameters = [String: [Float]]

protocol TrainOp: AnyObject {
    var name: String { get }
    /// Per-frame shape of the output.
    var outputFrame: [Int] { get }
    /// Output frames per input frame along time (strided convolutions: one every `timeStride`).
    var timeStride: Int { get }
    /// Tensors the op uses, by suffix, with their shapes.
    var tensorShapes: [String: [Int]] { get }
    func forward(_ inputs: [Seq], _ p: Parameters, training: Bool) -> Seq
    /// Gradients with respect to each input; parameter gradients are added into `g`.
    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq]
}

extension TrainOp {
    var timeStride: Int { 1 }
    func key(_ suffix: String) -> String { "\(name).\(suffix)" }
}

/// Reads node attributes with the runtime loader's defaults.
struct NodeAttributes {
    let node: GraphNode
    var context: String { "graph node '\(node.name)' (\(node.op))" }

    func int(_ key: String, default fallback: Int? = nil, min lower: Int = 1) throws -> Int {
        guard let raw = node.attributes[key] else {
            if let fallback { return fallback }
            throw TrainError("\(context): missing attribute '\(key)'")
        }
        guard let v = raw.intValue, v >= lower else { throw TrainError("\(context): attribute '\(key)' must be an integer ≥ \(lower)") }
        return v
    }

    func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        guard let raw = node.attributes[key] else {
            if let fallback { return fallback }
            throw TrainError("\(context): missing attribute '\(key)'")
        }
        guard let v = raw.intArray, v.allSatisfy({ $0 >= 1 }), v.count == 1 || v.count == 2 else {
            throw TrainError("\(context): attribute '\(key)' must be an integer or a pair of positive integers")
        }
        return v.count == 1 ? (v[0], v[0]) : (v[0], v[1])
    }

    func float(_ key: String, default fallback: Float) -> Float { node.attributes[key]?.doubleValue.map(Float.init) ?? fallback }
    func activation() throws -> Activation { try Activation.parse(node.attributes["activation"], context: context) }
}

/// Bias add and activation shared by the affine ops; keeps pre- and post-activation values.
struct AffineOutput {
    var pre: [Float] = []
    var post: [Float] = []

    /// Adds the per-channel bias (if any) to `y`, applies the activation and remembers both.
    mutating func finish(_ y: inout [Float], bias: [Float]?, channels: Int, activation: Activation) {
        if let bias {
            y.withUnsafeMutableBufferPointer { p in
                var i = 0
                while i < p.count { for c in 0..<channels { p[i + c] += bias[c] }; i += channels }
            }
        }
        pre = y
        activation.forward(&y, group: channels)
        post = y
    }

    /// dL/d(pre-activation), with the bias gradient added into `gb`.
    func backward(_ dy: [Float], channels: Int, activation: Activation, biasGradient gb: inout [Float]?) -> [Float] {
        var d = dy
        activation.backward(x: pre, y: post, dy: &d, group: channels)
        if gb != nil {
            var i = 0
            while i < d.count { for c in 0..<channels { gb![c] += d[i + c] }; i += channels }
        }
        return d
    }
}
