#!/bin/sh
# Times `whittle train` on the synthetic task with data-parallel workers vs OpenBLAS threads.
# Usage: scripts/train-threads.sh [REPEATS] (after `swift build -c release --scratch-path .build-train`).
# Reports the fastest wall time of REPEATS runs per configuration (the machine is shared).
set -eu
BIN=${BIN:-.build-train/release/whittle}
REPEATS=${1:-3}
for cfg in "1 1" "2 1" "1 2" "2 2"; do
    set -- $cfg
    best=""
    i=0
    while [ $i -lt "$REPEATS" ]; do
        t=$( { /usr/bin/time -f "%e %U" "$BIN" train --task synthetic --graph Models/graphs/synthetic-onset.json \
              --out /tmp/whittle-threads.safetensors --epochs 3 --batch 32 --seed 1 --threads "$1" --blas-threads "$2" >/dev/null; } 2>&1 | tail -1)
        wall=${t% *}
        if [ -z "$best" ] || [ "$(echo "$wall < ${best% *}" | bc)" = 1 ]; then best=$t; fi
        i=$((i + 1))
    done
    echo "workers=$1 blas_threads=$2: best wall ${best% *} s (user ${best#* } s)"
done
uptime
