/// General MIDI programs the generator draws from, with playable ranges.
struct GMInstrument: Sendable {
    let program: UInt8
    let name: String
    let lowest: Int
    let highest: Int
}

enum GMInstruments {
    /// Monophonic melody voices: keyboards, plucked, bass, bowed, voice, brass, reeds,
    /// flutes and synth leads, so detectors meet soft and hard attacks alike.
    static let melody: [GMInstrument] = [
        .init(program: 0, name: "Acoustic Grand Piano", lowest: 55, highest: 84),
        .init(program: 4, name: "Electric Piano 1", lowest: 55, highest: 84),
        .init(program: 6, name: "Harpsichord", lowest: 55, highest: 84),
        .init(program: 11, name: "Vibraphone", lowest: 60, highest: 84),
        .init(program: 12, name: "Marimba", lowest: 55, highest: 84),
        .init(program: 16, name: "Drawbar Organ", lowest: 55, highest: 84),
        .init(program: 19, name: "Church Organ", lowest: 48, highest: 79),
        .init(program: 21, name: "Accordion", lowest: 55, highest: 79),
        .init(program: 24, name: "Nylon Guitar", lowest: 48, highest: 76),
        .init(program: 25, name: "Steel Guitar", lowest: 48, highest: 76),
        .init(program: 26, name: "Jazz Guitar", lowest: 48, highest: 76),
        .init(program: 27, name: "Clean Electric Guitar", lowest: 48, highest: 76),
        .init(program: 29, name: "Overdriven Guitar", lowest: 45, highest: 72),
        .init(program: 32, name: "Acoustic Bass", lowest: 28, highest: 52),
        .init(program: 33, name: "Finger Bass", lowest: 28, highest: 52),
        .init(program: 34, name: "Picked Bass", lowest: 28, highest: 52),
        .init(program: 38, name: "Synth Bass 1", lowest: 28, highest: 52),
        .init(program: 40, name: "Violin", lowest: 55, highest: 88),
        .init(program: 42, name: "Cello", lowest: 36, highest: 64),
        .init(program: 48, name: "String Ensemble 1", lowest: 48, highest: 79),
        .init(program: 52, name: "Choir Aahs", lowest: 48, highest: 76),
        .init(program: 53, name: "Voice Oohs", lowest: 48, highest: 76),
        .init(program: 56, name: "Trumpet", lowest: 55, highest: 82),
        .init(program: 57, name: "Trombone", lowest: 40, highest: 67),
        .init(program: 60, name: "French Horn", lowest: 41, highest: 70),
        .init(program: 61, name: "Brass Section", lowest: 48, highest: 76),
        .init(program: 65, name: "Alto Sax", lowest: 49, highest: 76),
        .init(program: 66, name: "Tenor Sax", lowest: 44, highest: 71),
        .init(program: 68, name: "Oboe", lowest: 58, highest: 84),
        .init(program: 71, name: "Clarinet", lowest: 50, highest: 82),
        .init(program: 73, name: "Flute", lowest: 60, highest: 91),
        .init(program: 75, name: "Pan Flute", lowest: 60, highest: 88),
        .init(program: 79, name: "Ocarina", lowest: 60, highest: 84),
        .init(program: 80, name: "Square Lead", lowest: 48, highest: 84),
        .init(program: 81, name: "Sawtooth Lead", lowest: 48, highest: 84),
        .init(program: 85, name: "Voice Lead", lowest: 48, highest: 79),
        .init(program: 87, name: "Bass and Lead", lowest: 40, highest: 72),
    ]

    /// Accompaniment voices for block chords.
    static let chords: [GMInstrument] = [
        .init(program: 0, name: "Acoustic Grand Piano", lowest: 48, highest: 72),
        .init(program: 4, name: "Electric Piano 1", lowest: 48, highest: 72),
        .init(program: 16, name: "Drawbar Organ", lowest: 48, highest: 72),
        .init(program: 24, name: "Nylon Guitar", lowest: 48, highest: 72),
        .init(program: 25, name: "Steel Guitar", lowest: 48, highest: 72),
        .init(program: 48, name: "String Ensemble 1", lowest: 48, highest: 72),
        .init(program: 50, name: "Synth Strings 1", lowest: 48, highest: 72),
        .init(program: 52, name: "Choir Aahs", lowest: 48, highest: 72),
        .init(program: 61, name: "Brass Section", lowest: 48, highest: 72),
        .init(program: 89, name: "Warm Pad", lowest: 48, highest: 72),
    ]
}

/// GM percussion keys the generator uses and their transcription classes.
public enum DrumLabel: String, Sendable, Codable, CaseIterable {
    case kick = "KD", snare = "SD", hiHat = "HH"

    /// 35/36 → KD, 38/40 → SD, 42/44/46 → HH; nil for any other key.
    public init?(gmKey: UInt8) {
        switch gmKey {
        case 35, 36: self = .kick
        case 38, 40: self = .snare
        case 42, 44, 46: self = .hiHat
        default: return nil
        }
    }
}

enum GMDrumKey {
    static let acousticKick: UInt8 = 35, kick: UInt8 = 36
    static let snare: UInt8 = 38, electricSnare: UInt8 = 40
    static let closedHiHat: UInt8 = 42, pedalHiHat: UInt8 = 44, openHiHat: UInt8 = 46
}
