#!/usr/bin/env python3
"""Derives Raspberry Pi 4 and 5 device profiles from a measured profile of this machine by
scaling its fitted coefficients with per-core throughput ratios. The results are ESTIMATES
("estimated": true) until someone runs `whittle profile` on a Pi; see Models/profiles/README.md
for the figures and reasoning. Usage: scripts/profile-estimate-pi.py DEV.json OUTDIR"""
import json, sys, copy, datetime

# Vector work (the perMAC terms): the kernels compute SIMD8<Float> with separate multiplies and
# adds (no FMA at the default targets), i.e. two 128-bit registers per SIMD8 value on x86-64 (SSE,
# the default target) and on aarch64 (NEON). Sustained 128-bit FP multiply+add pairs per cycle:
#   Zen 3 (this machine's EPYC, family 25): 2 FMUL + 2 FADD pipes             -> 2 pairs/cycle
#   Cortex-A76 (Pi 5): 2 ASIMD pipes, 128-bit, each FMUL or FADD               -> 1 pair/cycle
#   Cortex-A72 (Pi 4): 2 ASIMD pipes; 128-bit FP ops issue at half that rate   -> 0.5 pair/cycle
# Scalar work (constants, per-byte and per-step terms, front end FFT, resampler, engine):
# single-thread integer/scalar performance, taken as clock x relative IPC with
#   IPC(Zen 3) / IPC(A76) = 1.3 and IPC(A76) / IPC(A72) = 1.35 (Arm's and reviewers' figure for
#   A76 over A72, consistent with the Raspberry Pi Foundation's "2-3x" for Pi 5 over Pi 4).
HOST_GHZ = 2.45  # this machine's nominal clock (/proc/cpuinfo), boost on a VM unknown
TARGETS = {
    "raspberry-pi-4": {"cpu": "Cortex-A72 (BCM2711), 4 cores, 1.5 GHz, NEON 128-bit", "ghz": 1.5, "pairs": 0.5, "ipc": 1 / (1.3 * 1.35)},
    "raspberry-pi-5": {"cpu": "Cortex-A76 (BCM2712), 4 cores, 2.4 GHz, NEON 128-bit", "ghz": 2.4, "pairs": 1.0, "ipc": 1 / 1.3},
}
HOST_PAIRS = 2.0

def scaled(c, scalar, vector):
    c = dict(c)
    for k in ("constant", "perByte", "perStep"):
        c[k] = c.get(k, 0) * scalar
    c["perMAC"] = c.get("perMAC", 0) * vector
    return c

def main():
    dev = json.load(open(sys.argv[1]))
    outdir = sys.argv[2]
    for name, t in TARGETS.items():
        scalar = HOST_GHZ / (t["ghz"] * t["ipc"])   # how many times slower on scalar code
        vector = (HOST_PAIRS * HOST_GHZ) / (t["pairs"] * t["ghz"])
        p = copy.deepcopy(dev)
        p["estimated"] = True
        p["machine"] = {"cpuModel": t["cpu"] + " (ESTIMATE)", "cores": 4, "clockMHz": t["ghz"] * 1000,
                        "architecture": "aarch64", "simd": "NEON (ASIMD)"}
        p["layers"] = {k: scaled(v, scalar, vector) for k, v in dev["layers"].items()}
        # Engine terms (and the base measured per block size) are scalar work. The later-frame
        # factors are ratios (warm over cold on this machine) and are kept: the Pi's caches are
        # smaller, so they are likely optimistic there.
        p["engine"] = {k: v * scalar for k, v in dev["engine"].items() if k != "byBlock"}
        if dev["engine"].get("byBlock"):
            p["engine"]["byBlock"] = [{"block": e["block"], "ns": e["ns"] * scalar} for e in dev["engine"]["byBlock"]]
        p["created"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        p["note"] = (f"ESTIMATE, not measured on a Pi: {dev['machine']['cpuModel']} profile of {dev.get('created', '?')} scaled "
                     f"x{scalar:.2f} for scalar terms (clock {HOST_GHZ}->{t['ghz']} GHz, relative IPC {t['ipc']:.2f}) and x{vector:.2f} "
                     f"for per-MAC terms (128-bit FP mul+add pairs per cycle {HOST_PAIRS}->{t['pairs']}). "
                     "Replace with `whittle profile ... --out` run on the device. See Models/profiles/README.md.")
        # The raw data belong to the machine that was measured, not to the Pi.
        p["calibration"] = []
        p["measurements"] = []
        path = f"{outdir}/{name}.estimate.json"
        json.dump(p, open(path, "w"), indent=2, sort_keys=True)
        print(f"{path}: scalar x{scalar:.2f}, vector x{vector:.2f}")

if __name__ == "__main__":
    main()
