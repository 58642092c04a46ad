#!/usr/bin/env python3
"""Generate onset-metric fixtures scored by mir_eval, for the Swift cross-check.

Writes Tests/WhittleDataTests/Fixtures/mir_eval_onsets.json: a list of cases, each
with reference and estimated onset times (seconds), the window, and mir_eval's
F/P/R plus the matching size. Run once (pip install mir_eval) and commit the JSON;
the Swift tests never need Python.

Usage: scripts/eval-fixtures.py [OUTPUT.json]
"""
import json
import os
import sys
import warnings

import numpy as np
import mir_eval

WINDOW = 0.05


def case(name, ref, est, window=WINDOW):
    ref = np.sort(np.asarray(ref, dtype=float))
    est = np.sort(np.asarray(est, dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mir_eval warns on empty lists
        f, p, r = mir_eval.onset.f_measure(ref, est, window=window)
        matches = len(mir_eval.util.match_events(ref, est, window)) if ref.size and est.size else 0
    return {
        "name": name,
        "window": window,
        # repr() round-trips every double exactly through JSON.
        "reference": [float(x) for x in ref],
        "estimated": [float(x) for x in est],
        "f": float(f), "precision": float(p), "recall": float(r), "matches": int(matches),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "Tests", "WhittleDataTests", "Fixtures", "mir_eval_onsets.json")
    rng = np.random.default_rng(20240611)
    cases = [
        case("both empty", [], []),
        case("empty estimate", [0.5, 1.0], []),
        case("empty reference", [], [0.5]),
        case("identical", [0.1, 0.5, 0.9, 1.3], [0.1, 0.5, 0.9, 1.3]),
        case("exactly at +window", [1.0], [1.05]),
        case("exactly at -window", [1.0], [0.95]),
        case("edge, float rounding", [0.1, 0.3, 0.7], [0.15, 0.25, 0.75]),
        case("just outside", [1.0, 2.0], [1.0500001, 1.9499999]),
        case("duplicate estimates", [1.0, 2.0], [1.0, 1.0, 1.01, 2.0]),
        case("duplicate references", [1.0, 1.0, 1.0], [0.99, 1.02]),
        case("greedy would fail", [1.00, 1.06], [1.04, 1.10]),
        case("chain", [0.00, 0.04, 0.08, 0.12, 0.16], [0.02, 0.06, 0.10, 0.14, 0.18, 0.22]),
        case("dense cluster", [0.5 + 0.01 * i for i in range(10)], [0.505 + 0.012 * i for i in range(12)]),
        case("custom window 20 ms", [0.1, 0.2, 0.3], [0.12, 0.219, 0.33], window=0.02),
    ]
    # Random cases at several densities and jitters, with misses and false alarms.
    for k in range(12):
        n = int(rng.integers(5, 200))
        ref = np.sort(rng.uniform(0, 30, n))
        keep = ref[rng.uniform(size=n) > rng.uniform(0, 0.3)]
        est = keep + rng.normal(0, rng.choice([0.005, 0.02, 0.04]), keep.size)
        extra = rng.uniform(0, 30, int(rng.integers(0, 30)))
        est = np.concatenate([est, extra])
        est = est[est >= 0]
        cases.append(case(f"random {k}", ref, est))
    # Quantised times (10 ms grid) put many pairs right on the window edge.
    for k in range(4):
        ref = np.round(np.sort(rng.uniform(0, 10, 60)), 2)
        est = np.round(ref + rng.choice([-0.06, -0.05, -0.04, 0.0, 0.04, 0.05, 0.06], ref.size), 2)
        cases.append(case(f"grid edges {k}", ref, est))

    with open(out, "w") as fh:
        json.dump({"generator": "scripts/eval-fixtures.py", "mir_eval": mir_eval.__version__,
                   "cases": cases}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
