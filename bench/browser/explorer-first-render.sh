#!/usr/bin/env bash
# Explorer time to first render on a chain of N transactions (issue #17's figure; N = 1,000,000 by default).
#
#   bench/browser/explorer-first-render.sh [--transactions 1000000] [--loads 20] [--port-base 7650]
#                                          [--data-dir DIR]   (keep the filled chain there and reuse it next time)
#
# 1. builds Ledger.Node and bench/Ledger.Bench (Release);
# 2. starts a single-node dev ledger in a private data directory on 127.0.0.1 ports port-base
#    (gRPC), +1 (peer) and +30 (web listener: the explorer and /v1 JSON), --fsync false (the chain is
#    scratch; every transaction still goes through the door, its signature check, Raft and apply);
# 3. fills it to N transactions with `Ledger.Bench fill` (pre-signed RegisterWork over SubmitStream:
#    each registration is one transaction of the log; a batch of many items would be one) unless the
#    data directory already holds that many;
# 4. loads the explorer N times in headless Chromium through chromedriver (first-render.py, a fresh
#    profile each time) and reads the page's own 'explorer-first-render' performance mark.
# Ends with: explorer_first_render_ms_p50=N p95=N chain_tx=N loads=N
# A trap stops the node and removes the temporary directory on exit (a --data-dir is kept).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
transactions=1000000
loads=20
port_base=7650
data_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --transactions) transactions=$2; shift 2 ;;
    --loads) loads=$2; shift 2 ;;
    --port-base) port_base=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    *) echo "usage: $0 [--transactions N] [--loads N] [--port-base PORT] [--data-dir DIR]" >&2; exit 2 ;;
  esac
done

for tool in dotnet curl python3 /usr/bin/chromium /usr/bin/chromedriver; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (scripts/install-browser.sh installs chromium and chromium-driver)" >&2; exit 2; }
done

grpc_port=$port_base
peer_port=$((port_base + 1))
web_port=$((port_base + 30))
web="http://127.0.0.1:$web_port"
work=$(mktemp -d -t ledger-explorer-bench-XXXXXX)
data=${data_dir:-$work/data}
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building (Release)..." >&2
dotnet build "$root/Ledger.Node" -c Release -nologo -v q >&2
dotnet build "$root/bench/Ledger.Bench" -c Release -nologo -v q >&2

mkdir -p "$data"
echo "starting a dev node: data $data, gRPC :$grpc_port, web $web (log $work/node.log)" >&2
dotnet "$root/Ledger.Node/bin/Release/net10.0/Ledger.Node.dll" --dev --data-dir "$data" \
  --public-url "http://127.0.0.1:$grpc_port" --peer-url "http://127.0.0.1:$peer_port" --web-url "$web" \
  --fsync false >"$work/node.log" 2>&1 &
node_pid=$!

status_field() { curl -sf --max-time 5 "$web/v1/status" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', '0'))"; }
for _ in $(seq 1 240); do
  if log_size=$(status_field logSize 2>/dev/null); then break; fi
  kill -0 "$node_pid" 2>/dev/null || { echo "the node exited:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "${log_size:-}" ] || { echo "the node's web listener did not answer in 120 s" >&2; tail -20 "$work/node.log" >&2; exit 1; }

missing=$((transactions - log_size))
if [ "$missing" -gt 0 ]; then
  echo "filling: $log_size transactions in the log, $missing to go..." >&2
  started=$(date +%s)
  dotnet "$root/bench/Ledger.Bench/bin/Release/net10.0/Ledger.Bench.dll" fill --ledger "http://127.0.0.1:$grpc_port" \
    --genesis "$data/dev/genesis.json" --key "$data/dev/dev-platform.key.json" --transactions "$missing" >&2
  echo "filled in $(( $(date +%s) - started )) s" >&2
fi

log_size=$(status_field logSize)
height=$(status_field height)
echo "chain: $log_size transactions in $height blocks; timing $loads page loads of $web/ ..." >&2
python3 "$root/bench/browser/first-render.py" --url "$web/" --loads "$loads" --chain-tx "$log_size"
