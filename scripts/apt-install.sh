#!/usr/bin/env bash
# Installs Debian packages by name (as root, or through sudo), refreshing the package lists first.
set -euo pipefail
[ "$#" -gt 0 ] || exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "setup: installing Debian packages: $*"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
