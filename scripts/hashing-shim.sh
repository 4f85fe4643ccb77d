#!/usr/bin/env bash
# Makes the local package "System.IO.Hashing 6.0.0" that Azure.Storage.* depends on, when the
# NuGet feed this machine reaches does not serve it. The assembly is the .NET SDK's own copy
# (MIT). On a machine with the full public feed the local folder is simply never used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$root/.nuget-local"
package="$feed/system.io.hashing.6.0.0.nupkg"
[ -f "$package" ] && exit 0

sdk_line="$(dotnet --list-sdks | tail -n 1)"            # e.g. "10.0.401 [/usr/share/dotnet/sdk]"
sdk_dir="$(sed -E 's/^([^ ]+) \[(.*)\]$/\2\/\1/' <<<"$sdk_line")"
dll="$sdk_dir/System.IO.Hashing.dll"
[ -f "$dll" ] || dll="$(find "$sdk_dir" -path '*net*' -name System.IO.Hashing.dll | head -n 1)"
[ -f "$dll" ] || { echo "hashing-shim: System.IO.Hashing.dll not found under $sdk_dir" >&2; exit 1; }

mkdir -p "$feed"
python3 - "$dll" "$package" <<'PY'
import sys, zipfile
dll, package = sys.argv[1], sys.argv[2]
nuspec = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>System.IO.Hashing</id>
    <version>6.0.0</version>
    <authors>Microsoft</authors>
    <license type="expression">MIT</license>
    <description>Local repackaging of the .NET SDK's System.IO.Hashing assembly.</description>
  </metadata>
</package>
"""
content_types = """<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
</Types>
"""
with zipfile.ZipFile(package + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("System.IO.Hashing.nuspec", nuspec)
    z.writestr("[Content_Types].xml", content_types)
    z.write(dll, "lib/net6.0/System.IO.Hashing.dll")
import os; os.replace(package + ".tmp", package)
PY
echo "hashing-shim: made $package"
