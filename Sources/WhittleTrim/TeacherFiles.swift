import Foundation
import WhittleNN

/// Teacher files of a trimming run, read with their digest: the run records each teacher's digest
/// when it starts and every later read (each round, a resume) must find the same bytes, so a teacher
/// replaced mid-run is refused by name instead of silently teaching later tickets something else.
public enum TeacherFiles {
    /// FNV-1a (64-bit) of the file's bytes, in hex.
    public static func digest(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    public static func digest(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrimError("teacher \(path): cannot be read") }
        return digest([UInt8](data))
    }

    /// The model at `path`, whose bytes must have digest `expected` (when given).
    public static func read(_ path: String, expected: String?) throws -> ModelFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrimError("teacher \(path): cannot be read") }
        let bytes = [UInt8](data)
        if let expected, digest(bytes) != expected {
            throw TrimError("teacher \(path) changed since the run began (digest \(digest(bytes)), recorded \(expected)): restore it or start a new run")
        }
        do { return try ModelFile.parse(bytes) } catch { throw TrimError("teacher \(path): \(error)") }
    }
}
