import Foundation
import Synchronization

/// Generates, renders and annotates a dataset directory; items already rendered
/// with identical parameters are skipped.
public struct DatasetBuilder: Sendable {
    public var options: DatasetOptions
    public var outputDirectory: URL
    public var fluidsynth: String
    /// Items rendered at once (each runs one fluidsynth process at a time).
    public var jobs: Int

    public init(options: DatasetOptions, outputDirectory: URL, fluidsynth: String, jobs: Int = 2) {
        self.options = options
        self.outputDirectory = outputDirectory
        self.fluidsynth = fluidsynth
        self.jobs = max(1, jobs)
    }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var rendered: Int
        public var item: String
    }

    var renderer: FluidSynthRenderer {
        FluidSynthRenderer(executable: fluidsynth, soundfont: options.soundfont.path, sampleRate: options.sampleRate,
                           gain: options.gain, reverb: options.reverb, chorus: options.chorus)
    }

    /// Builds every item, writes `manifest.json`, and returns the item summaries.
    @discardableResult
    public func build(progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> [ItemSummary] {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)

        struct Shared { var next = 0; var done = 0; var rendered = 0; var summaries: [Int: ItemSummary] = [:]; var error: (any Error)? }
        let shared = Mutex(Shared())
        let total = options.items
        let builder = self

        DispatchQueue.concurrentPerform(iterations: min(jobs, max(total, 1))) { _ in
            while true {
                let index: Int? = shared.withLock { s in
                    guard s.error == nil, s.next < total else { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let index else { return }
                do {
                    let (summary, didRender) = try builder.buildItem(index)
                    let snapshot = shared.withLock { s in
                        s.summaries[index] = summary
                        s.done += 1
                        if didRender { s.rendered += 1 }
                        return Progress(done: s.done, total: total, rendered: s.rendered, item: summary.name)
                    }
                    progress(snapshot)
                } catch {
                    shared.withLock { s in if s.error == nil { s.error = error } }
                }
            }
        }

        let result = shared.withLock { s in (s.error, (0..<total).compactMap { s.summaries[$0] }) }
        if let error = result.0 { throw error }
        try writeManifest(result.1)
        return result.1
    }

    func writeManifest(_ items: [ItemSummary]) throws {
        let manifest = Manifest(options: options, trainingSoundfont: options.soundfont.isTrainingFont, items: items)
        try Self.encoder.encode(manifest).write(to: outputDirectory.appendingPathComponent("manifest.json"), options: .atomic)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    func file(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }

    /// Output files of an item, parameters file last.
    static func fileNames(_ name: String) -> [String] {
        Stem.allCases.flatMap { ["\(name).\($0.rawValue).wav", "\(name).\($0.rawValue).onsets.txt"] }
            + ["\(name).drums.txt", "\(name).melody.f0.csv", "\(name).mid", "\(name).params.json"]
    }

    /// Returns the item's summary and whether anything had to be rendered.
    func buildItem(_ index: Int) throws -> (ItemSummary, Bool) {
        let name = DatasetOptions.itemName(index)
        var parameters = ItemParameters(options, index: index)
        var song = SongGenerator(seconds: options.seconds).song(seed: options.seed, index: index)
        song.drumKit = options.drumKit(item: index)
        var annotator = AnnotationBuilder(sampleRate: options.sampleRate)
        annotator.melodyOctaves = SoundingOctave.shifts(program: song.melodyProgram, soundfont: options.soundfont)
        let files = Self.fileNames(name)

        let stored = try? JSONDecoder().decode(ItemParameters.self, from: Data(contentsOf: file("\(name).params.json")))
        let cached = files.allSatisfy { FileManager.default.fileExists(atPath: file($0).path) }
            && stored.map { $0.sameRender(as: parameters) } == true
        if cached {
            parameters.mixGains = stored?.mixGains
        } else {
            try? FileManager.default.removeItem(at: file("\(name).params.json"))
            try Data(MIDIFileWriter.bytes(SongMIDI.file(song, stem: .mix))).write(to: file("\(name).mid"), options: .atomic)
            for stem in Stem.allCases where !(stem == .mix && parameters.mix != nil) {
                try render(song, parts: stem.parts, to: "\(name).\(stem.rawValue).wav")
            }
            if let targets = parameters.mix {
                parameters.mixGains = try sumMix(song, name: name, targets: targets)
            }
        }
        // Class stems are extra files: rendered with the item, or added to a cached item that lacks them.
        // An item rendered again without them loses old ones, which would no longer add up to its drums.
        var renderedClasses = false
        if !cached && !options.drumClassStems {
            for stem in DrumClassStems.fileNames(item: name) { try? FileManager.default.removeItem(at: file(stem)) }
        }
        if options.drumClassStems {
            for label in DrumLabel.allCases {
                let stem = DrumClassStems.fileName(item: name, label)
                if !cached || !FileManager.default.fileExists(atPath: file(stem).path) {
                    try render(DrumClassStems.song(song, only: label), parts: [.drums], to: stem)
                    renderedClasses = true
                }
            }
        }
        // Annotations are cheap and follow from the seed: always written, so a label fix (such as
        // `SoundingOctave`) reaches cached audio without rendering it again.
        for stem in Stem.allCases {
            try write(AnnotationFiles.onsetsText(annotator.onsets(song, parts: stem.parts)), "\(name).\(stem.rawValue).onsets.txt")
        }
        try write(AnnotationFiles.drumsText(annotator.drumHits(song)), "\(name).drums.txt")
        // Voicing lasts through each note's audible release, measured on the rendered melody stem.
        let melody = try WavFile.read(file("\(name).melody.wav").path)
        let voicedEnds = ReleaseTails.ends(notes: annotator.melodySpans(song), audio: (0..<melody.frameCount).map { melody.mono($0) },
                                           sampleRate: melody.sampleRate)
        try write(AnnotationFiles.f0CSV(annotator.melodyF0(song, voicedEnds: voicedEnds)), "\(name).melody.f0.csv")
        if !cached {
            try Self.encoder.encode(parameters).write(to: file("\(name).params.json"), options: .atomic)
        }

        let drumHits = annotator.drumHits(song)
        let wav = try WavFile.read(file("\(name).mix.wav").path, headerOnly: true)
        let summary = ItemSummary(
            name: name, index: index, tempoBPM: song.tempoBPM,
            melodyProgram: Int(song.melodyProgram), chordProgram: Int(song.chordProgram),
            drumKit: song.drumKit == 0 ? nil : Int(song.drumKit),
            mix: parameters.mix, mixGains: parameters.mixGains,
            durationSeconds: wav.durationSeconds,
            onsets: Dictionary(uniqueKeysWithValues: Stem.allCases.map { ($0.rawValue, annotator.onsets(song, parts: $0.parts).count) }),
            drumHits: Dictionary(uniqueKeysWithValues: DrumLabel.allCases.map { label in (label.rawValue, drumHits.filter { $0.label == label }.count) }),
            files: files + (options.drumClassStems ? DrumClassStems.fileNames(item: name) : []))
        return (summary, !cached || renderedClasses)
    }

    func render(_ song: Song, parts: Set<Part>, to name: String) throws {
        let midi = file(".\(name).mid")
        defer { try? FileManager.default.removeItem(at: midi) }
        try Data(MIDIFileWriter.bytes(SongMIDI.file(song, parts: parts))).write(to: midi, options: .atomic)
        try renderer.render(midi: midi, to: file(name))
    }

    /// The mix as the sum of the melody and drum stems and a chords render, at the item's levels.
    func sumMix(_ song: Song, name: String, targets: MixTargets) throws -> MixGains {
        let chordsName = ".\(name).chords.wav"
        defer { try? FileManager.default.removeItem(at: file(chordsName)) }
        try render(song, parts: [.chords], to: chordsName)
        let (mix, gains) = try StemMixer.mix(melody: WavFile.read(file("\(name).melody.wav").path),
                                             chords: WavFile.read(file(chordsName).path),
                                             drums: WavFile.read(file("\(name).drums.wav").path), targets: targets)
        try mix.write(file("\(name).mix.wav").path)
        return gains
    }

    func write(_ text: String, _ name: String) throws {
        try Data(text.utf8).write(to: file(name), options: .atomic)
    }
}
