import ArgumentParser
import Foundation
import WhittleData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate MIDI, render it with fluidsynth, and write exact ground truth.",
        discussion: """
        Per item NAME: NAME.{mix,melody,drums}.wav, NAME.{mix,melody,drums}.onsets.txt, \
        NAME.drums.txt (time<TAB>KD|SD|HH), NAME.melody.f0.csv (time,frequency,confidence \
        at 10 ms), NAME.mid; plus DIR/manifest.json. Onset times are sample-exact: they \
        include fluidsynth's 64-sample block quantisation. Items already rendered with \
        the same parameters are skipped. With --mix-levels the mix is the sum of the melody, \
        drum and chord stems at levels drawn per item (recorded in NAME.params.json and the \
        manifest). Train only on the fluid and timgm fonts.
        """)

    @Option(help: "Output directory.") var out: String
    @Option(help: "Number of items.") var items: Int = 10
    @Option(help: "Generator seed; item i depends only on (seed, i).") var seed: UInt64 = 0
    @Option(help: "fluid (FluidR3_GM), timgm (TimGM6mb), or a path to a soundfont.") var soundfont: String = "fluid"
    @Option(help: "Sample rate in Hz.") var rate: Int = 44100
    @Option(help: "Approximate music length per item in seconds (tails are added).") var seconds: Double = 30
    @Option(help: "fluidsynth output gain.") var gain: Double = 0.5
    @Flag(inversion: .prefixedNo, help: "Render with fluidsynth's reverb.") var reverb = false
    @Flag(inversion: .prefixedNo, help: "Render with fluidsynth's chorus.") var chorus = false
    @Option(help: "Items rendered in parallel (one fluidsynth process each).") var jobs: Int = 2
    @Option(name: .customLong("drum-kits"), help: "Drum kits (programs on the drum channel) the items cycle through, e.g. 0,8,16,24,25,32,40 (default: the standard kit 0).") var drumKits: String?

    @Flag(name: .customLong("drum-class-stems"), help: "Also render the drum part once per class (NAME.drums-KD|SD|HH.wav), for `whittle train --drum-timbre-db`; adds them to cached items.") var drumClassStems = false

    @Option(name: .customLong("mix-levels"), help: "Sum each mix from its stems with the accompaniment at these levels relative to the melody (RMS over the item, dB, drawn per item), e.g. chords=-6:0,drums=-3:3 (default: fluidsynth renders the mix in one pass, at the patches' own levels).") var mixLevels: String?

    func run() throws {
        guard items >= 1 else { throw usageError("--items must be at least 1") }
        guard (8000...192_000).contains(rate) else { throw usageError("--rate must be between 8000 and 192000 Hz") }
        guard seconds > 0, seconds <= 3600 else { throw usageError("--seconds must be in (0, 3600]") }
        guard gain > 0, gain <= 10 else { throw usageError("--gain must be in (0, 10]") }
        guard jobs >= 1 else { throw usageError("--jobs must be at least 1") }
        let font = Soundfont(soundfont)
        guard font.exists else {
            throw usageError("soundfont not found: \(font.path) (install fluid-soundfont-gm / timgm6mb-soundfont, or give a path)")
        }
        guard let fluidsynth = FluidSynthRenderer.findExecutable() else {
            throw usageError("fluidsynth not found in PATH (apt-get install fluidsynth)")
        }
        if !font.isTrainingFont {
            printError("note: \(font.path) is not a training soundfont: use this data for evaluation only (DESIGN §6).")
        }

        var kits: [UInt8]? = nil
        if let drumKits {
            let parsed = drumKits.split(separator: ",").map { UInt8($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && $0! < 128 }) else {
                throw usageError("--drum-kits must be a comma-separated list of programs 0...127, got '\(drumKits)'")
            }
            kits = parsed.map { $0! }
        }
        var levels: MixLevels? = nil
        if let mixLevels {
            do { levels = try MixLevels.parse(mixLevels) } catch { throw usageError("--mix-levels: \(error)") }
        }
        let options = DatasetOptions(items: items, seed: seed, soundfont: font, sampleRate: rate,
                                     seconds: seconds, reverb: reverb, chorus: chorus, gain: gain, drumKits: kits,
                                     mixLevels: levels, drumClassStems: drumClassStems)
        let builder = DatasetBuilder(options: options, outputDirectory: URL(fileURLWithPath: out),
                                     fluidsynth: fluidsynth, jobs: jobs)
        let showProgress = isatty(STDERR_FILENO) != 0
        let summaries: [ItemSummary]
        do {
            summaries = try builder.build { p in
                guard showProgress else { return }
                FileHandle.standardError.write(Data("\r\u{1B}[K[\(p.done)/\(p.total)] \(p.item) (\(p.rendered) rendered)".utf8))
            }
        } catch {
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
            printError("error: \(error)")
            throw ExitCode(1)
        }
        if showProgress {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(summaries.count) items in \(out)\n".utf8))
        }
    }
}

/// Prints `error: message` and returns the exit code for bad usage or input (2).
func usageError(_ message: String) -> ExitCode {
    printError("error: \(message)")
    return ExitCode(2)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
