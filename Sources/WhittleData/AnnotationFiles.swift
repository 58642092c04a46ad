import Foundation

/// Text formats of DESIGN §5, readable by mir_eval and Sonic Visualiser.
public enum AnnotationFiles {
    /// One onset time in seconds per line.
    public static func onsetsText(_ onsets: [Double]) -> String {
        onsets.map { String(format: "%.6f\n", $0) }.joined()
    }

    /// `time<TAB>label` per line, labels KD / SD / HH.
    public static func drumsText(_ hits: [Annotations.DrumHit]) -> String {
        hits.map { String(format: "%.6f", $0.time) + "\t" + $0.label.rawValue + "\n" }.joined()
    }

    /// CREPE's layout: a `time,frequency,confidence` header, then one row per hop;
    /// frequency 0 and confidence 0 when unvoiced, confidence 1 when voiced.
    public static func f0CSV(_ frames: [Annotations.F0Frame]) -> String {
        "time,frequency,confidence\n" + frames.map {
            String(format: "%.2f,%.3f,%.1f\n", $0.time, $0.frequency, $0.frequency > 0 ? 1.0 : 0.0)
        }.joined()
    }
}
