#!/usr/bin/env python3
"""Sweep every key of every melody patch in both training fonts and print the keys whose waveform
repeats below the MIDI note, by SoundingOctave's rule: the sub-octave itself (f/2) at least 0.2 of
the candidate f0's magnitude and the sub-octave series (1/2, 3/2, 5/2) at least 0.2 of the
candidate's own (1, 2, 3); applied again from f/2. Each key is held 900 ms and measured 200-800 ms
in (16 kHz, Hann, best of +-30 cents). Compare with Sources/WhittleData/SoundingOctave.swift.

    scripts/sounding-octaves.py            (needs fluidsynth, numpy, both training fonts)
"""
import os, re, struct, subprocess, sys, tempfile, wave
try:
    import numpy as np
except ImportError:
    sys.exit("sounding-octaves.py: needs numpy (apt-get install python3-numpy)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = {"fluid": "/usr/share/sounds/sf2/FluidR3_GM.sf2", "timgm": "/usr/share/sounds/sf2/TimGM6mb.sf2"}
RATE, NOTE_MS, GAP_MS = 16000, 900, 200

def vlq(n):
    out = [n & 0x7F]; n >>= 7
    while n: out.append((n & 0x7F) | 0x80); n >>= 7
    return bytes(reversed(out))

def midi(program, keys):
    """Format 0 at 500 ticks per quarter and the default 120 BPM: one tick per millisecond."""
    track = vlq(0) + bytes([0xC0, program])
    for i, key in enumerate(keys):
        track += vlq(0 if i == 0 else GAP_MS) + bytes([0x90, key, 100]) + vlq(NOTE_MS) + bytes([0x80, key, 0])
    track += vlq(0) + b"\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 500) + b"MTrk" + struct.pack(">I", len(track)) + track

def patches():
    src = open(f"{ROOT}/Sources/WhittleData/GMInstruments.swift").read()
    melody = src.split("static let melody")[1].split("static let")[0]
    return [(int(p), n, int(lo), int(hi)) for p, n, lo, hi in
            re.findall(r'program: (\d+), name: "([^"]+)", lowest: (\d+), highest: (\d+)', melody)]

def magnitude(x, hz, t):
    if hz > RATE / 2 - 200: return 0.0
    return max(abs(np.sum(x * np.exp(-2j * np.pi * hz * 2 ** (c / 1200) * t))) for c in range(-30, 31, 10))

def shift(x, f, t):
    c, octaves, ratios = f, 0, []
    for _ in range(2):
        own = sum(magnitude(x, c * m, t) for m in (1, 2, 3))
        sub = sum(magnitude(x, c * m, t) for m in (0.5, 1.5, 2.5))
        fundamental = magnitude(x, c / 2, t) / max(magnitude(x, c, t), 1e-9)
        ratios += [fundamental, sub / max(own, 1e-9)]
        if fundamental < 0.2 or sub < 0.2 * own: break
        c /= 2; octaves -= 1
    return octaves, ratios

def main():
    n = int(0.6 * RATE); window = np.hanning(n); t = np.arange(n) / RATE
    with tempfile.TemporaryDirectory() as tmp:
        for program, name, lo, hi in patches():
            keys = list(range(lo, hi + 1))
            open(f"{tmp}/x.mid", "wb").write(midi(program, keys))
            for font, path in FONTS.items():
                subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.5", "-R", "0", "-C", "0", "-r", str(RATE),
                                "-F", f"{tmp}/x.wav", path, f"{tmp}/x.mid"], check=True, capture_output=True)
                w = wave.open(f"{tmp}/x.wav")
                audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float)
                audio = audio.reshape(-1, w.getnchannels()).mean(1)
                shifted = []
                for i, key in enumerate(keys):
                    start = (i * (NOTE_MS + GAP_MS) + 200) * RATE // 1000
                    octaves, ratios = shift(audio[start:start + n] * window, 440 * 2 ** ((key - 69) / 12), t)
                    if octaves: shifted.append(f"{key}:{octaves}({'/'.join(f'{r:.2f}' for r in ratios)})")
                if shifted:
                    print(f"{font} {program:3d} {name:22s} {len(shifted)}/{len(keys)} keys: {' '.join(shifted)}", flush=True)

if __name__ == "__main__":
    sys.exit(main())
