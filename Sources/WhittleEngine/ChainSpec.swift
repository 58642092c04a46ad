/// Which processors a chain runs, in order, e.g. "flux,click" or "model=Models/onset.safetensors,click".
public struct ChainSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Processor: Sendable, Equatable, CustomStringConvertible {
        /// Spectral-flux onset detector (classic baseline).
        case flux
        /// Click sonifier: one click per event, aligned with the delayed dry signal.
        case click
        /// Test only: allocates on the audio thread, to prove the probes catch it.
        case canary
        /// A neural detector from a model file (task, rate, hop and features from its metadata).
        case model(path: String)

        public static let names = ["flux", "click", "canary", "model=PATH"]

        public var description: String {
            switch self {
            case .flux: return "flux"
            case .click: return "click"
            case .canary: return "canary"
            case .model(let path): return "model=\(path)"
            }
        }

        init?(_ text: String) {
            switch text {
            case "flux": self = .flux
            case "click": self = .click
            case "canary": self = .canary
            default:
                guard text.hasPrefix("model="), text.count > 6 else { return nil }
                self = .model(path: String(text.dropFirst(6)))
            }
        }
    }

    public var processors: [Processor]

    public init(_ processors: [Processor]) { self.processors = processors }

    public static func parse(_ text: String) throws(EngineError) -> ChainSpec {
        // Paths keep their spaces; names around them are trimmed.
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        if names.isEmpty || names.contains(where: \.isEmpty) {
            throw .badChain("empty processor name in chain '\(text)'")
        }
        var result: [Processor] = []
        for name in names {
            guard let p = Processor(name) else {
                let known = Processor.names.joined(separator: ", ")
                throw .badChain("unknown processor '\(name)' in chain '\(text)' (known: \(known))")
            }
            result.append(p)
        }
        return ChainSpec(result)
    }

    public var description: String { processors.map(\.description).joined(separator: ",") }
}

public enum EngineError: Error, CustomStringConvertible, Equatable {
    case badChain(String)
    case badSetting(String)

    public var description: String {
        switch self {
        case .badChain(let s), .badSetting(let s): return s
        }
    }
}

