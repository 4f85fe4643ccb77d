#!/usr/bin/env bash
# Runs a benchmark command (see tests/AudioFunctions.Benchmarks/Program.cs), e.g.
#   ./bench.sh stream --sessions 8 --seconds 30 --frame-ms 100
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
./scripts/setup.sh
command -v sox >/dev/null 2>&1 || ./scripts/apt-install.sh sox   # the reference resampler the resample benchmark compares with
/usr/bin/python3 -c "import faiss" >/dev/null 2>&1 || ./scripts/apt-install.sh python3-faiss   # the index the ann benchmark compares with
dotnet build tests/AudioFunctions.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet tests/AudioFunctions.Benchmarks/bin/Release/net10.0/AudioFunctions.Benchmarks.dll "$@"
