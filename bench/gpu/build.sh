#!/bin/bash
# Bundles the GPU bench (bench, kernels, host-profile) into .device/ (after `bash ../shared/gpu/prepare.sh`), ready for one device call:
#   run: carry [".device"], command: bash bench/gpu/run-device.sh
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
for name in bench kernels host-profile; do
  npx esbuild "bench/gpu/$name.ts" --bundle --platform=node --format=esm --target=node20 --external:webgpu \
    --banner:js="import {createRequire as bannerRequire} from 'module'; const require = bannerRequire(import.meta.url);" \
    --log-level=warning --outfile=".device/$name.mjs"
done
cp bench/gpu/peer.py .device/peer.py
du -sh .device
