#!/usr/bin/env bash
# The registry benchmark (issue #6) with its batch figure end to end: starts a 3-node ledger on
# loopback (plaintext, fsync on, as bench/run-cluster.sh does), then runs `Ledger.Bench registry`
# with --ledger pointing at it, so batch_items_per_s counts BatchRegister items committed through
# consensus and applied, not the in-process figure. Everything it starts is stopped and its temp
# directory deleted on exit.
# Last line: rules_per_s=N batch_items_per_s=N similar_p99_ms=X
# Extra arguments go to the benchmark (e.g. --similar-items 1000000 --batches 10).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d -t ledger-registry-bench-XXXXXX)"
pids=()

# shellcheck source=lib/ledger-cluster.sh
source "$repo/bench/lib/ledger-cluster.sh"

cleanup() {
  local status=$?
  stop_started
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_release
start_ledger_cluster
echo "ledger: $(join "${ledger_urls[@]}")  work: $work" >&2
set +e
dotnet "$repo/bench/Ledger.Bench/bin/Release/net10.0/Ledger.Bench.dll" registry \
  --ledger "$(join "${ledger_urls[@]}")" --genesis "$ledger_genesis" --key "$ledger_platform_key" "$@"
status=$?
set -e
for log in "$work"/ledger-*.log; do
  if grep -qiE 'error|fatal|exception' "$log"; then
    echo "--- last errors in $(basename "$log") ---" >&2
    grep -iE 'error|fatal|exception' "$log" | tail -n 5 >&2
  fi
done
exit "$status"
