#!/usr/bin/env bash
# Sets up what is missing, starts Azurite on 127.0.0.1 (data in .data/azurite) and runs the app
# in the foreground at http://127.0.0.1:7071. Ctrl-C or SIGTERM stops both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

./scripts/setup.sh
[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json

dotnet build functions/AudioFunctions.Functions.csproj -c Release --nologo -v quiet -clp:ErrorsOnly

for port in 10000 10001 10002; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: port $port is in use; stop whatever listens there (another Azurite?) and retry" >&2
    exit 1
  fi
done

mkdir -p .data/azurite
node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --location .data/azurite \
  --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 \
  --tableHost 127.0.0.1 --tablePort 10002 &
azurite=$!
app=""
stop() {
  [ -n "$app" ] && kill -TERM "$app" 2>/dev/null && wait "$app" 2>/dev/null
  kill -TERM "$azurite" 2>/dev/null && wait "$azurite" 2>/dev/null
  return 0
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null && break
  kill -0 "$azurite" 2>/dev/null || { echo "run.sh: Azurite did not start" >&2; exit 1; }
  sleep 0.1
done

echo "run.sh: Azurite on 127.0.0.1:10000-10002; starting the app"
dotnet functions/bin/Release/net10.0/AudioFunctions.Functions.dll "$@" &
app=$!
wait "$app"
