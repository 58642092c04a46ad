import ArgumentParser
import Foundation
import WhittleEval

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score estimated onsets or drum hits against references (mir_eval semantics).",
        discussion: """
        Onsets: one time in seconds per line. Drums: time<TAB>KD|SD|HH per line. \
        A reference and an estimate match when |difference| <= window (default 50 ms), \
        with a maximum one-to-one matching, as mir_eval.onset.f_measure. \
        Directory mode pairs REF-DIR/NAME with EST-DIR/NAME for every NAME in REF-DIR \
        ending with --suffix. The total row sums TP/FP/FN over all files (every onset \
        weighs the same); "mean F" is the unweighted mean of the per-file F.
        """)

    enum Task: String, ExpressibleByArgument, CaseIterable { case onset, drums, pitch }

    @Option(help: "onset, drums or pitch.") var task: Task = .onset
    @Option(help: "Pitch: estimates with a confidence column are unvoiced below this.") var voicing: Double?
    @Option(help: "Reference file.") var ref: String?
    @Option(help: "Estimate file.") var est: String?
    @Option(help: "Directory of reference files.") var refDir: String?
    @Option(help: "Directory of estimate files with the same names.") var estDir: String?
    @Option(help: "Reference file name suffix in directory mode (default .onsets.txt, or .drums.txt for drums).")
    var suffix: String?
    @Option(help: "Tolerance window in seconds.") var window: Double = OnsetEvaluation.defaultWindow
    @Flag(help: "Machine-readable JSON output.") var json = false
    @Flag(help: "Print only the total F, P and R (summed counts) as three numbers.") var brief = false
    @Option(help: "Detector model file to run and score on --data (its task: onset, drums or pitch); several comma-separated files of one task and front end are scored as an ensemble (mean output, the first file's operating point).") var model: String?
    @Option(help: "With --model: directories rendered by `whittle data` (comma-separated).") var data: String?
    @Option(name: .customLong("pitch-tracking"), help: "With a pitch --model: the online pitch tracker on (standard parameters), off, or STEP:JUMP:TRUST (nats per 20-cent bin moved, nats at most per frame, salience taken as is), instead of the file's.") var pitchTracking: String?
    @Option(help: "With --model: stems to score (default mix,melody,drums; drums: drums,mix; pitch: melody,mix).") var stems: String?

    func run() throws {
        if let model {
            guard let data else { throw usageError("--model needs --data DIR") }
            return try ModelEval.run(model: model, data: data, stems: stems, json: json, tracking: pitchTracking)
        }
        guard window >= 0, window.isFinite else { throw usageError("--window must be >= 0") }
        let pairs = try filePairs()
        if task == .pitch { return try PitchFileEval.run(pairs: pairs.map { ($0.name, $0.ref, $0.est) }, voicing: voicing, json: json) }
        var rows: [EvalRow] = []
        for pair in pairs {
            switch task {
            case .onset:
                let score = OnsetEvaluation.score(reference: try readOnsets(pair.ref), estimated: try readOnsets(pair.est), window: window)
                rows.append(EvalRow(name: pair.name, total: score, classes: nil))
            case .pitch:
                break
            case .drums:
                let score = DrumEvaluation.score(reference: try readDrums(pair.ref), estimated: try readDrums(pair.est), window: window)
                rows.append(EvalRow(name: pair.name, total: score.summed, classes: score))
            }
        }
        let report = EvalReport(task: task.rawValue, window: window, rows: rows)
        if brief {
            let t = report.total
            print(String(format: "%.6f %.6f %.6f", t.fMeasure, t.precision, t.recall))
        } else if json {
            print(report.json())
        } else {
            print(report.table(), terminator: "")
        }
    }

    struct FilePair { var name: String; var ref: String; var est: String }

    func filePairs() throws -> [FilePair] {
        switch (ref, est, refDir, estDir) {
        case let (ref?, est?, nil, nil):
            return [FilePair(name: URL(fileURLWithPath: ref).lastPathComponent, ref: ref, est: est)]
        case let (nil, nil, refDir?, estDir?):
            let suffix = self.suffix ?? (task == .drums ? ".drums.txt" : task == .pitch ? ".melody.f0.csv" : ".onsets.txt")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: refDir) else {
                throw usageError("cannot read reference directory \(refDir)")
            }
            let pairs = names.filter { $0.hasSuffix(suffix) }.sorted().map {
                FilePair(name: $0, ref: refDir + "/" + $0, est: estDir + "/" + $0)
            }
            guard !pairs.isEmpty else { throw usageError("no files ending in '\(suffix)' in \(refDir)") }
            let missing = pairs.filter { !FileManager.default.fileExists(atPath: $0.est) }
            guard missing.isEmpty else {
                throw usageError("no estimate for \(missing.count) reference file(s) in \(estDir), e.g. \(missing[0].name)")
            }
            return pairs
        default:
            throw usageError("give either --ref and --est, or --ref-dir and --est-dir")
        }
    }

    func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw usageError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    func readOnsets(_ path: String) throws -> [Double] {
        do { return try AnnotationParsing.onsets(try read(path)) } catch let error as AnnotationParsing.ParseError {
            throw usageError("\(path): \(error)")
        }
    }

    func readDrums(_ path: String) throws -> [LabeledEvent] {
        do { return try AnnotationParsing.labeledEvents(try read(path)) } catch let error as AnnotationParsing.ParseError {
            throw usageError("\(path): \(error)")
        }
    }
}

/// One evaluated file: its pooled score and, for drums, the per-class scores.
struct EvalRow {
    var name: String
    var total: OnsetScore
    var classes: DrumScore?
}

struct EvalReport {
    var task: String
    var window: Double
    var rows: [EvalRow]

    /// All files pooled by summing counts.
    var total: OnsetScore { rows.map(\.total).reduce(.zero, +) }
    var meanFileF: Double { rows.isEmpty ? 0 : rows.map(\.total.fMeasure).reduce(0, +) / Double(rows.count) }
    var classTotals: DrumScore? {
        let all = rows.compactMap(\.classes)
        return all.isEmpty ? nil : all.dropFirst().reduce(all[0], +)
    }

    func table() -> String {
        let nameWidth = max(24, (rows.map(\.name.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        func line(_ name: String, _ s: OnsetScore) -> String {
            pad(name, nameWidth) + lpad("\(s.referenceCount)", 7) + lpad("\(s.estimateCount)", 7) + lpad("\(s.matches)", 7)
                + lpad("\(s.falsePositives)", 7) + lpad("\(s.falseNegatives)", 7)
                + [s.precision, s.recall, s.fMeasure].map { lpad(String(format: "%.4f", $0), 8) }.joined() + "\n"
        }
        var out = "task \(task), window ±\(String(format: "%.0f", window * 1000)) ms\n"
        out += pad("file", nameWidth) + ["ref", "est", "TP", "FP", "FN"].map { lpad($0, 7) }.joined()
            + ["P", "R", "F"].map { lpad($0, 8) }.joined() + "\n"
        for row in rows {
            out += line(row.name, row.total)
            if let classes = row.classes, rows.count == 1 {
                for label in classes.labels { out += line("  " + label, classes.perClass[label]!) }
            }
        }
        if let totals = classTotals, rows.count > 1 {
            for label in totals.labels { out += line("total " + label, totals.perClass[label]!) }
        }
        out += line("total (summed counts)", total)
        if rows.count > 1 { out += pad("mean per-file F", nameWidth) + lpad(String(format: "%.4f", meanFileF), 59) + "\n" }
        if let totals = classTotals { out += pad("mean per-class F", nameWidth) + lpad(String(format: "%.4f", totals.meanFMeasure), 59) + "\n" }
        return out
    }

    func json() -> String {
        func score(_ s: OnsetScore) -> [String: Any] {
            ["reference": s.referenceCount, "estimated": s.estimateCount, "matches": s.matches,
             "precision": s.precision, "recall": s.recall, "f": s.fMeasure]
        }
        func classes(_ d: DrumScore) -> [String: Any] { d.perClass.mapValues { score($0) } }
        var object: [String: Any] = [
            "task": task, "window": window,
            "files": rows.map { row -> [String: Any] in
                var o = score(row.total)
                o["name"] = row.name
                if let c = row.classes { o["classes"] = classes(c) }
                return o
            },
            "total": score(total),
            "totalMethod": "summed TP/FP/FN counts over files",
            "meanFileF": meanFileF,
        ]
        if let totals = classTotals {
            object["totalClasses"] = classes(totals)
            object["meanClassF"] = totals.meanFMeasure
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
