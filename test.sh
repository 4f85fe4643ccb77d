#!/usr/bin/env bash
# Sets up what is missing and runs every test (unit and integration: Azurite and the app on
# loopback). Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

fail() { echo "$1" >&2; echo "0 passed, 1 failed"; exit 1; }

./scripts/setup.sh || fail "test.sh: setup failed"
dotnet build AudioFunctions.sln -c Release --nologo -v quiet -clp:ErrorsOnly || fail "test.sh: build failed"

log="$(mktemp)"
results="$(mktemp -d)"
trap 'rm -rf "$log" "$results"' EXIT
dotnet test AudioFunctions.sln -c Release --no-build --nologo -v quiet \
  --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The console shows only the names of failed tests; their messages come from the results file.
/usr/bin/python3 scripts/test-failures.py "$results"/*.trx 2>/dev/null || true

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...".
read -r passed failed assemblies < <(awk '
  /(Passed|Failed)!  - Failed:/ {
    for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) }
    n++
  }
  END { printf "%d %d %d\n", p, f, n }' <(tr -d ',' < "$log"))

if [ "$assemblies" -eq 0 ]; then
  failed=$((failed + 1))   # the run produced no summary: it crashed or was aborted
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
