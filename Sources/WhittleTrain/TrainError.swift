/// A training failure with a one-line message (bad graph, bad batch, bad hyper-parameters).
public struct TrainError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
