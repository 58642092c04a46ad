/// Which processors a chain runs, in order, e.g. "flux,click".
public struct ChainSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Processor: String, Sendable, CaseIterable {
        /// Spectral-flux onset detector (classic baseline).
        case flux
        /// Click sonifier: one click per event, aligned with the delayed dry signal.
        case click
        /// Test only: allocates on the audio thread, to prove the probes catch it.
        case canary
    }

    public var processors: [Processor]

    public init(_ processors: [Processor]) { self.processors = processors }

    public static func parse(_ text: String) throws(EngineError) -> ChainSpec {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).filter { !$0.isWhitespace } }
        if names.isEmpty || names.contains(where: \.isEmpty) {
            throw .badChain("empty processor name in chain '\(text)'")
        }
        var result: [Processor] = []
        for name in names {
            guard let p = Processor(rawValue: name) else {
                let known = Processor.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badChain("unknown processor '\(name)' in chain '\(text)' (known: \(known))")
            }
            result.append(p)
        }
        return ChainSpec(result)
    }

    public var description: String { processors.map(\.rawValue).joined(separator: ",") }
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

