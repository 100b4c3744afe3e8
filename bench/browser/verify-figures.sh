#!/usr/bin/env bash
# Issue #17 figures: in-browser verification time of an evidence bundle per suite (median of
# LEDGER_BENCH_RUNS runs of verifyBundle in headless Debian chromium, performance.now around the call)
# and the size of the self-verifying HTML per suite. Ends with one line:
#   verify_ms_p256=… verify_ms_ed25519=… verify_ms_sm2=… html_bytes_p256=… bundle_bytes_p256=… …
# Usage: bench/browser/verify-figures.sh [runs]   (default 15; the machine should be otherwise idle)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export LEDGER_BENCH_RUNS="${1:-15}"
scripts/install-browser.sh >/dev/null
figures="$(mktemp)"
trap 'rm -f "$figures"' EXIT
export LEDGER_FIGURES_FILE="$figures"
dotnet build tests/Ledger.Browser.Tests -c Release -nologo -v q >/dev/null
dotnet test tests/Ledger.Browser.Tests -c Release --no-build --nologo --filter "Name=MeasureBrowserFigures" \
  --logger "console;verbosity=detailed" | grep -E '^(p256|ed25519|sm2)' || true
[ -s "$figures" ] || { echo "no figures were measured (see the test output above)" >&2; exit 1; }
cat "$figures"
