/// Readers for the MIR text formats of DESIGN §5 (what mir_eval's loaders accept).
public enum AnnotationParsing {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// One onset time in seconds per line. Blank lines and `#` comments are skipped;
    /// extra whitespace-separated columns are ignored (as mir_eval.io.load_events does).
    public static func onsets(_ text: String) throws -> [Double] {
        try rows(text).map { line, fields in
            guard let t = Double(fields[0]), t.isFinite else {
                throw ParseError(line: line, message: "not a time in seconds: '\(fields[0])'")
            }
            return t
        }
    }

    /// `time<TAB>label` per line (any whitespace or comma separates the columns).
    public static func labeledEvents(_ text: String) throws -> [LabeledEvent] {
        try rows(text).map { line, fields in
            guard fields.count >= 2 else { throw ParseError(line: line, message: "expected 'time<TAB>label'") }
            guard let t = Double(fields[0]), t.isFinite else {
                throw ParseError(line: line, message: "not a time in seconds: '\(fields[0])'")
            }
            return LabeledEvent(time: t, label: fields[1])
        }
    }

    private static func rows(_ text: String) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmed(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            out.append((index + 1, fields))
        }
        return out
    }
}

extension StringProtocol {
    fileprivate func trimmed(_ set: String) -> Substring {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return s
    }
}
