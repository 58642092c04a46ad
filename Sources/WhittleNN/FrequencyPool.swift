// Max or average pooling along frequency of a [frequency][channel] frame (no padding, floor mode,
// as torch.nn.MaxPool2d/AvgPool2d with kernel (1, k) on (time, frequency)).

public struct FrequencyPool {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let channels: Int
    public let frequencies: Int
    public let kernel: Int
    public let stride: Int
    public let outFrequencies: Int
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public static func outFrequencies(frequencies: Int, kernel: Int, stride: Int) -> Int {
        (frequencies - kernel) / stride + 1
    }

    public init(kind: Kind, channels: Int, frequencies: Int, kernel: Int, stride: Int,
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        precondition(kernel >= 1 && stride >= 1 && kernel <= frequencies)
        self.kind = kind
        self.channels = channels
        self.frequencies = frequencies
        self.kernel = kernel
        self.stride = stride
        outFrequencies = FrequencyPool.outFrequencies(frequencies: frequencies, kernel: kernel, stride: stride)
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        let scale = 1 / Float(kernel)
        for fo in 0..<outFrequencies {
            let out = output + fo * channels
            let first = input + fo * stride * channels
            for c in 0..<channels { out[c] = first[c] }
            for k in 1..<max(kernel, 1) {
                let src = first + k * channels
                switch kind {
                case .max: for c in 0..<channels { out[c] = max(out[c], src[c]) }
                case .average: for c in 0..<channels { out[c] += src[c] }
                }
            }
            if case .average = kind { for c in 0..<channels { out[c] *= scale } }
        }
    }
}
