#!/bin/bash
# Bundles the GPU bench (bench, kernels, host-profile, templates) into .device/ (after `bash ../shared/gpu/prepare.sh`), ready for one device call:
#   run: carry [".device"], command: bash bench/gpu/run-device.sh
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
# __dirname: tfjs-backend-wasm's Node loader looks for its worker script beside itself.
for name in bench kernels host-profile templates; do
  npx esbuild "bench/gpu/$name.ts" --bundle --platform=node --format=esm --target=node20 --external:webgpu \
    --banner:js="import {createRequire as bannerRequire} from 'module'; import {fileURLToPath as bannerPath} from 'url'; import {dirname as bannerDir} from 'path'; const require = bannerRequire(import.meta.url); const __filename = bannerPath(import.meta.url); const __dirname = bannerDir(__filename);" \
    --log-level=warning --outfile=".device/$name.mjs"
done
cp bench/gpu/peer.py .device/peer.py
# templates.mjs's CPU comparison: tfjs-backend-wasm finds its binaries through its package.json, and its threads need the worker and loader scripts.
wasm=.device/node_modules/@tensorflow/tfjs-backend-wasm
mkdir -p "$wasm/dist" && cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$wasm/" && cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$wasm/dist/" && mkdir -p "$wasm/wasm-out" && cp node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/*.js "$wasm/wasm-out/"
du -sh .device
