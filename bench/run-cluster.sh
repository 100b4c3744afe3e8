#!/usr/bin/env bash
# 3-node ledger vs 3-node etcd on loopback, driven by the same C# load generator
# (`Ledger.Bench cluster`): same clients (64), same payload (256 bytes), both fsyncing.
# Everything it starts is stopped and its temp directory deleted on exit. The ledger side uses unary
# Submit (one in flight per client, like etcd) and SubmitStream (--stream-window in flight per client
# stream); the open loop runs over SubmitStream with latency from each submission's due time. Each
# phase also reports CPU seconds per process and ops per CPU-second of the leader (the machine is
# shared: that figure moves far less with other load than ops/s does).
# Last line: ratio_vs_etcd=X.XX ledger_tps=N etcd_tps=N p99_ms_at_3500=N nonsig_cpu_us_per_tx=N etcd_cpu_us_per_put=N
# --suite p256-sha256|ed25519|sm2-sm3 (default p256-sha256) chooses the consortium's crypto suite: on
# sm2-sm3 members and nodes sign with SM2 and blocks, Merkle trees and transactions hash with SM3 (the
# registrations carry SHA-256 and SM3 content hashes, as the CLI sends them); same closing line.
# Other extra arguments are passed to the load generator (e.g. --seconds 10).
set -euo pipefail

ledger_suite="p256-sha256"
bench_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --suite)
      [[ $# -ge 2 ]] || { echo "--suite needs a value (p256-sha256, ed25519 or sm2-sm3)" >&2; exit 2; }
      ledger_suite="$2"
      shift 2
      ;;
    --suite=*)
      ledger_suite="${1#--suite=}"
      shift
      ;;
    *)
      bench_args+=("$1")
      shift
      ;;
  esac
done
case "$ledger_suite" in
  p256-sha256|ed25519|sm2-sm3) ;;
  *) echo "unknown --suite '$ledger_suite' (p256-sha256, ed25519 or sm2-sm3)" >&2; exit 2 ;;
esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d -t ledger-cluster-bench-XXXXXX)"
pids=()
sampler_pid=""

# shellcheck source=lib/ledger-cluster.sh
source "$repo/bench/lib/ledger-cluster.sh"

cleanup() {
  local status=$?
  if [[ -n "$sampler_pid" ]]; then
    kill "$sampler_pid" 2>/dev/null || true
  fi
  stop_started
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
  echo "installing etcd-server and etcd-client" >&2
  apt-get update >/dev/null && apt-get install -y etcd-server etcd-client >/dev/null
fi

build_release

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ---- ledger: 3 nodes, plaintext (etcd runs plaintext too), fsync on.
start_ledger_cluster

# ---- etcd: 3 members, default fsync (WAL fsync on every commit).
etcd_client=() etcd_peer=()
for i in 1 2 3; do
  etcd_client+=("$(free_port)")
  etcd_peer+=("$(free_port)")
done
initial_cluster="e1=http://127.0.0.1:${etcd_peer[0]},e2=http://127.0.0.1:${etcd_peer[1]},e3=http://127.0.0.1:${etcd_peer[2]}"
etcd_urls=()
for i in 0 1 2; do
  etcd --name "e$((i + 1))" --data-dir "$work/etcd/e$((i + 1))" \
    --listen-client-urls "http://127.0.0.1:${etcd_client[$i]}" --advertise-client-urls "http://127.0.0.1:${etcd_client[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer[$i]}" \
    --initial-cluster "$initial_cluster" --initial-cluster-token ledger-bench --initial-cluster-state new \
    --logger zap --log-level warn >"$work/etcd-$((i + 1)).log" 2>&1 &
  pids+=("$!")
  etcd_urls+=("http://127.0.0.1:${etcd_client[$i]}")
done

# ---- coarse CPU signal: %CPU of each process per 5 s interval, from /proc/<pid>/stat (utime+stime).
names=(ledger-1 ledger-2 ledger-3 etcd-1 etcd-2 etcd-3)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
sample_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  local -a before=() now=()
  local bench_pid=""
  for pid in "${pids[@]}"; do before+=("$(cpu_ticks "$pid")"); done
  local bench_before=0
  while sleep 5; do
    [[ -z "$bench_pid" ]] && bench_pid=$(pgrep -n -f 'Ledger.Bench.dll cluster' || true)
    local line; line="$(date -u +%T)"
    now=()
    for k in "${!pids[@]}"; do
      now+=("$(cpu_ticks "${pids[$k]}")")
      line+=" ${names[$k]}=$(( (now[k] - before[k]) * 100 / (hz * 5) ))%"
    done
    before=("${now[@]}")
    if [[ -n "$bench_pid" ]]; then
      local b; b=$(cpu_ticks "$bench_pid")
      line+=" loadgen=$(( (b - bench_before) * 100 / (hz * 5) ))%"
      bench_before=$b
    fi
    echo "$line"
  done
}
sample_cpu >"$work/cpu.log" &
sampler_pid=$!

cpu_pids=()
for k in "${!pids[@]}"; do cpu_pids+=("${names[$k]}=${pids[$k]}"); done
echo "ledger ($ledger_suite): $(join "${ledger_urls[@]}")  etcd: $(join "${etcd_urls[@]}")  work: $work" >&2
set +e
timeout 900 dotnet "$repo/bench/Ledger.Bench/bin/Release/net10.0/Ledger.Bench.dll" cluster \
  --ledger "$(join "${ledger_urls[@]}")" --ledger-metrics "$(join "${metrics_urls[@]}")" --etcd "$(join "${etcd_urls[@]}")" \
  --genesis "$ledger_genesis" --key "$ledger_platform_key" \
  --pids "$(join "${cpu_pids[@]}")" ${bench_args[@]+"${bench_args[@]}"} >"$work/result.txt" \
  2> >(while IFS= read -r line; do printf '%s %s\n' "$(date -u +%T)" "$line"; done >&2)
bench_status=$?
set -e

echo "--- CPU per process, %% of one core per 5 s interval (2 cores total) ---" | sed 's/%%/%/'
cat "$work/cpu.log"
for log in "$work"/ledger-*.log "$work"/etcd-*.log; do
  if grep -qiE 'error|fatal|panic|exception' "$log"; then
    echo "--- last errors in $(basename "$log") ---"
    grep -iE 'error|fatal|panic|exception' "$log" | tail -n 5
  fi
done
echo "--- machine load (uptime) at the end ---"
uptime
echo "--- results (suite $ledger_suite) ---"
cat "$work/result.txt"
exit "$bench_status"
