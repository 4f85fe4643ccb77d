#!/usr/bin/env bash
# Builds the deployment package of the function app: a self-contained linux-x64 publish, plus
# host.json and one <FunctionName>/function.json per declared function (written by the app
# itself from its declarations), and the ONNX Runtime library and speech models that
# scripts/setup.sh fetched (at the same relative paths, which the settings' defaults name), zipped
# with the executable bit kept (Flex Consumption mounts the package read-only).
#   infra/package.sh [output.zip]     (default: .data/package/audiofunctions.zip)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-$root/.data/package/audiofunctions.zip}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

./scripts/hashing-shim.sh
./scripts/onnxruntime.sh
dotnet publish functions/AudioFunctions.Functions.csproj -c Release -r linux-x64 --self-contained \
  -o "$stage" --nologo -v quiet -clp:ErrorsOnly
"$stage/AudioFunctions.Functions" write-layout "$stage"
mkdir -p "$stage/.tools"
cp -r .tools/onnxruntime .tools/openwakeword "$stage/.tools/"

mkdir -p "$(dirname "$out")"
python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(stage):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, stage))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())   # from_file keeps the mode bits, so the executable stays executable
os.replace(out + ".tmp", out)
PY
echo "package: $out"
