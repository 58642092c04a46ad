"""Notes of a standard MIDI file, for the analysis scripts (pitch-confusions, drum-confusions, drum-misses).
The items' MIDI (`whittle data`) has the melody on channel 0, chords on 1, drums on 9."""
import struct


def notes_of(path):
    """(channel, key, on s, off s) of every note in a standard MIDI file (tempo map applied)."""
    return [n[:4] for n in notes_with_velocity(path)]


def notes_with_velocity(path):
    """(channel, key, on s, off s, velocity) of every note."""
    b = open(path, "rb").read()
    _, ntracks, division = struct.unpack(">HHH", b[8:14])
    i, tracks, tempos = 14, [], [(0, 500000)]
    def vlq(j):
        v = 0
        while True:
            c = b[j]; j += 1; v = (v << 7) | (c & 0x7F)
            if c < 0x80: return v, j
    for _ in range(ntracks):
        n = struct.unpack(">I", b[i + 4:i + 8])[0]
        j, end, tick, status, events = i + 8, i + 8 + n, 0, 0, []
        i = end
        while j < end:
            d, j = vlq(j); tick += d
            if b[j] == 0xFF:
                kind = b[j + 1]; ln, k = vlq(j + 2)
                if kind == 0x51: tempos.append((tick, int.from_bytes(b[k:k + ln], "big")))
                j = k + ln; continue
            if b[j] in (0xF0, 0xF7):
                ln, k = vlq(j + 1); j = k + ln; continue
            if b[j] & 0x80: status = b[j]; j += 1
            size = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            events.append((tick, status & 0xF0, status & 0x0F, b[j:j + size])); j += size
        tracks.append(events)
    tempos.sort()
    def seconds(tick):
        s, last, tempo = 0.0, 0, 500000
        for t, v in tempos:
            if t > tick: break
            s += (t - last) * tempo / division / 1e6; last, tempo = t, v
        return s + (tick - last) * tempo / division / 1e6
    notes = []
    for events in tracks:
        sounding = {}
        for tick, kind, ch, data in events:
            if kind == 0x90 and data[1] > 0: sounding[(ch, data[0])] = (seconds(tick), data[1])
            elif kind in (0x80, 0x90) and (ch, data[0]) in sounding:
                on, velocity = sounding.pop((ch, data[0]))
                notes.append((ch, data[0], on, seconds(tick), velocity))
    return notes
