/// Everything that determines a dataset's content.
public struct DatasetOptions: Sendable, Codable, Equatable {
    public var items: Int
    public var seed: UInt64
    public var soundfont: Soundfont
    public var sampleRate: Int
    public var seconds: Double
    public var reverb: Bool
    public var chorus: Bool
    public var gain: Double
    /// Drum kits the items cycle through (item i plays kit i mod count); nil: the standard kit.
    public var drumKits: [UInt8]?
    /// Mixes summed from stems at these levels; nil: fluidsynth renders the mix in one pass.
    public var mixLevels: MixLevels?
    /// Also render the drum part once per class (`DrumClassStems`), for per-class timbre augmentation.
    public var drumClassStems = false

    public init(items: Int, seed: UInt64, soundfont: Soundfont, sampleRate: Int = 44100,
                seconds: Double = 30, reverb: Bool = false, chorus: Bool = false, gain: Double = 0.5,
                drumKits: [UInt8]? = nil, mixLevels: MixLevels? = nil, drumClassStems: Bool = false) {
        self.items = items
        self.seed = seed
        self.soundfont = soundfont
        self.sampleRate = sampleRate
        self.seconds = seconds
        self.reverb = reverb
        self.chorus = chorus
        self.gain = gain
        self.drumKits = drumKits
        self.mixLevels = mixLevels
        self.drumClassStems = drumClassStems
    }

    /// The drum kit of item `index`.
    public func drumKit(item index: Int) -> UInt8 {
        guard let kits = drumKits, !kits.isEmpty else { return 0 }
        return kits[index % kits.count]
    }

    public static func itemName(_ index: Int) -> String {
        "item-" + String(repeating: "0", count: max(0, 4 - String(index).count)) + String(index)
    }
}

/// The parameters one item was rendered with; stored next to its files as the cache key.
struct ItemParameters: Codable, Equatable {
    var generatorVersion = SongGenerator.version
    /// Names the timing correction baked into the annotations.
    var timingModel = "fluidsynth-2.3-block64"
    var seed: UInt64
    var index: Int
    var soundfontPath: String
    var soundfontBytes: Int
    var sampleRate: Int
    var seconds: Double
    var reverb: Bool
    var chorus: Bool
    var gain: Double
    /// Absent (nil) for the standard kit, so items rendered before kits existed stay cached.
    var drumKit: UInt8?
    /// The item's accompaniment levels when its mix is summed from stems (nil: rendered in one pass).
    var mix: MixTargets?
    /// The gains that summing applied (written after rendering; not part of the cache key).
    var mixGains: MixGains?

    init(_ options: DatasetOptions, index: Int) {
        seed = options.seed
        self.index = index
        soundfontPath = options.soundfont.path
        soundfontBytes = options.soundfont.byteCount
        sampleRate = options.sampleRate
        seconds = options.seconds
        reverb = options.reverb
        chorus = options.chorus
        gain = options.gain
        let kit = options.drumKit(item: index)
        drumKit = kit == 0 ? nil : kit
        mix = options.mixLevels?.draw(seed: options.seed, index: index)
    }

    /// Whether a cached item was rendered with these parameters (the gains follow from them).
    func sameRender(as other: ItemParameters) -> Bool {
        var a = self, b = other
        a.mixGains = nil; b.mixGains = nil
        return a == b
    }
}

/// What the manifest records about an item.
public struct ItemSummary: Sendable, Codable, Equatable {
    public var name: String
    public var index: Int
    public var tempoBPM: Int
    public var melodyProgram: Int
    public var chordProgram: Int
    public var drumKit: Int?
    /// Levels and gains of a mix summed from stems (absent: rendered in one pass).
    public var mix: MixTargets?
    public var mixGains: MixGains?
    public var durationSeconds: Double
    public var onsets: [String: Int]
    public var drumHits: [String: Int]
    public var files: [String]
}

struct Manifest: Codable {
    var tool = "whittle data"
    var generatorVersion = SongGenerator.version
    var options: DatasetOptions
    var trainingSoundfont: Bool
    var items: [ItemSummary]
}
