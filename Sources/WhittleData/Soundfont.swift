import Foundation

/// A soundfont chosen by short name or path. Only FluidR3_GM and TimGM6mb may be used
/// for training and validation (DESIGN §6); every other font is for evaluation only.
public struct Soundfont: Sendable, Equatable, Codable {
    public var path: String
    public var isTrainingFont: Bool

    public static let fluidPath = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
    public static let timgmPath = "/usr/share/sounds/sf2/TimGM6mb.sf2"

    /// `fluid`, `timgm`, or a path to an .sf2/.sf3 file.
    public init(_ spec: String) {
        switch spec.lowercased() {
        case "fluid", "fluidr3", "fluidr3_gm": path = Self.fluidPath
        case "timgm", "timgm6mb": path = Self.timgmPath
        default: path = spec
        }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        isTrainingFont = [Self.fluidPath, Self.timgmPath]
            .map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
            .contains(resolved)
    }

    public var exists: Bool { FileManager.default.isReadableFile(atPath: path) }

    /// Size in bytes, part of the cache key so a replaced font re-renders.
    public var byteCount: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
    }
}
