#!/bin/bash
# Runs on the device machine (one call): the PyTorch peer first, then the WebGPU bench (kernel checks,
# throughput with ratios, profiles), the heavy kernels timed alone, stock vs ours (kernels), the
# templates trained as a student would (templates), then where a step's host time goes (host-profile). Logs and JSON go to $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
export NETCANVAS_DATASETS="$PWD/datasets"  # the bundle sits in .device/, not engine/data/
if [ "${BENCH:-1}" = 1 ]; then  # BENCH=0: neither the peer nor the bench
  timeout 120 python3 .device/peer.py > "$OUT/peer.json" 2> "$OUT/peer.err"; echo "peer rc=$?"; cat "$OUT/peer.json"; tail -5 "$OUT/peer.err"
  timeout 300 bash .device/on-device.sh node .device/bench.mjs --peer "$OUT/peer.json" --out "$OUT/bench.json" "$@" 2>&1 | tee "$OUT/bench.log"
fi
[ "${KERNELS:-1}" = 1 ] && timeout 90 bash .device/on-device.sh node .device/kernels.mjs 2>&1 | tee "$OUT/kernels.log"  # KERNELS=0: skip
# The templates as a student trains them (backend chosen automatically), then on the CPU. TEMPLATES=0: skip
[ "${TEMPLATES:-1}" = 1 ] && timeout 240 bash .device/on-device.sh node .device/templates.mjs --out "$OUT/templates.json" 2>&1 | tee "$OUT/templates.log"
[ "${HOST_PROFILE:-1}" = 1 ] || exit 0  # HOST_PROFILE=0: no host profile
timeout 180 bash .device/on-device.sh node .device/host-profile.mjs --out "$OUT" 2>&1 | tee "$OUT/host-profile.log"
