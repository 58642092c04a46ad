#!/usr/bin/env python3
"""Generate melody-metric fixtures scored by mir_eval.melody, for the Swift cross-check.

Writes Tests/WhittleDataTests/Fixtures/mir_eval_melody.json: cases on a common 10 ms time base
(reference and estimate frequencies in Hz; 0 = unvoiced, a negative estimate = unvoiced with a
pitch guess, mir_eval's convention) with mir_eval's voicing recall, voicing false alarm, raw pitch
accuracy, raw chroma accuracy and overall accuracy. Run once (pip install mir_eval) and commit.
"""
import json, os, sys, warnings
import numpy as np
import mir_eval


def case(name, ref, est):
    ref = np.asarray(ref, dtype=float); est = np.asarray(est, dtype=float)
    t = np.arange(len(ref)) * 0.01
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mir_eval.melody.evaluate(t, ref, t, est)
    return {"name": name, "reference": [float(x) for x in ref], "estimate": [float(x) for x in est],
            "vr": float(s["Voicing Recall"]), "vfa": float(s["Voicing False Alarm"]),
            "rpa": float(s["Raw Pitch Accuracy"]), "rca": float(s["Raw Chroma Accuracy"]),
            "oa": float(s["Overall Accuracy"])}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "Tests", "WhittleDataTests", "Fixtures", "mir_eval_melody.json")
    rng = np.random.default_rng(5)
    cases = []
    for k in range(24):
        n = int(rng.integers(20, 400))
        f = 110 * 2 ** (rng.integers(0, 36, n) / 12)
        ref = np.where(rng.random(n) < 0.75, f, 0.0)
        cents = rng.normal(0, [5, 30, 60, 200][k % 4], n)
        est = f * 2 ** (cents / 1200)
        octave = rng.random(n) < [0, 0.05, 0.2, 0.1][k % 4]
        est = np.where(octave, est * rng.choice([0.5, 2.0], n), est)
        voiced = np.where(ref > 0, rng.random(n) < 0.9, rng.random(n) < 0.15)
        est = np.where(voiced, est, -est)
        est = np.where(rng.random(n) < 0.03, 0.0, est)   # no guess at all
        # near the 50-cent edge
        edge = rng.random(n) < 0.1
        est = np.where(edge & (ref > 0), np.sign(est) * ref * 2 ** (rng.choice([49.9, 50.1], n) / 1200), est)
        cases.append(case(f"random-{k}", ref, est))
    cases.append(case("all-unvoiced-ref", [0.0] * 10, [100.0] * 5 + [-100.0] * 5))
    cases.append(case("perfect", [220.0, 0, 330, 440], [220.0, -1, 330, 440]))
    with open(out, "w") as fh:
        json.dump({"mir_eval": mir_eval.__version__, "cases": cases}, fh, indent=0)
    print(f"wrote {len(cases)} cases to {out}")


main()
