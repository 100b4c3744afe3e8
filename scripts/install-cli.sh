#!/usr/bin/env bash
# Installs the `ledger` CLI as a .NET tool from a locally built package (no package is downloaded):
#   scripts/install-cli.sh            -> global tool (~/.dotnet/tools/ledger)
#   scripts/install-cli.sh TOOL_PATH  -> into TOOL_PATH (run TOOL_PATH/ledger)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
packages="$(mktemp -d)"
trap 'rm -rf "$packages"' EXIT
cat > "$packages/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
  </packageSources>
</configuration>
CONFIG
dotnet pack "$repo/Ledger.Cli/Ledger.Cli.csproj" -c Release --nologo -o "$packages"
if [ $# -ge 1 ]; then
  dotnet tool update Ledger.Cli --tool-path "$1" --configfile "$packages/nuget.config"
else
  dotnet tool update Ledger.Cli --global --configfile "$packages/nuget.config"
fi
