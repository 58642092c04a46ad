import WhittleProcessors

/// Which processors a chain runs, in order, e.g. "flux,click" or "model=Models/onset.safetensors,click".
public struct ChainSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Processor: Sendable, Equatable, CustomStringConvertible {
        /// Spectral-flux onset detector (classic baseline).
        case flux
        /// Click sonifier: one click per event, aligned with the delayed dry signal.
        case click
        /// Test only: allocates on the audio thread, to prove the probes catch it.
        case canary
        /// A neural detector from a model file (task, rate, hop and features from its metadata),
        /// with the chain's own operating point where given.
        case model(path: String, overrides: DetectorOverrides = DetectorOverrides())

        public static let names = ["flux", "click", "canary", "model=PATH[:threshold=T][:voicing=V][:track=0|1][:kd=T][:sd=T][:hh=T]"]

        public var description: String {
            switch self {
            case .flux: return "flux"
            case .click: return "click"
            case .canary: return "canary"
            case .model(let path, let o):
                return "model=\(path)" + (o.threshold.map { ":threshold=\($0)" } ?? "") + (o.voicingThreshold.map { ":voicing=\($0)" } ?? "")
                    + (o.tracking.map { ":track=\(Int($0))" } ?? "")
                    + o.classThresholds.sorted { $0.key < $1.key }.map { ":\($0.key.key)=\($0.value)" }.joined()
            }
        }

        /// nil: not a processor name. Throws for a model with a bad option.
        init?(_ text: String) throws(EngineError) {
            switch text {
            case "flux": self = .flux
            case "click": self = .click
            case "canary": self = .canary
            default:
                guard text.hasPrefix("model="), text.count > 6 else { return nil }
                var path = Substring(text.dropFirst(6))
                var overrides = DetectorOverrides()
                // Options trail the path as ":key=value"; a path may hold ':' elsewhere.
                while let colon = path.lastIndex(of: ":"),
                      case let option = path[path.index(after: colon)...],
                      let eq = option.firstIndex(of: "="),
                      option[..<eq].allSatisfy({ $0.isLetter || $0 == "_" }), !option[..<eq].isEmpty {
                    let key = String(option[..<eq]), value = String(option[option.index(after: eq)...])
                    guard let v = Float(value), v.isFinite, (0...1).contains(v) else {
                        throw .badChain("model option '\(key)=\(value)' in '\(text)' needs a number in 0...1")
                    }
                    let known = DetectorOverrides.keys
                    guard known.contains(key) else {
                        throw .badChain("unknown model option '\(key)' in '\(text)' (known: \(known.joined(separator: ", ")))")
                    }
                    guard overrides.set(key, v) else { throw .badChain("model option '\(key)' given twice in '\(text)'") }
                    path = path[..<colon]
                }
                guard !path.isEmpty else { return nil }
                self = .model(path: String(path), overrides: overrides)
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
            guard let p = try Processor(name) else {
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

