#!/usr/bin/env bash
# Local N-node ledger cluster on loopback, for development and demos.
#   deploy/local-cluster.sh start [N]   generate a consortium (CA, node certs, keys, genesis) and start N nodes
#   deploy/local-cluster.sh stop        stop only the processes this script started (by pid file)
#   deploy/local-cluster.sh status      show each node's process and Raft status
# Environment: LEDGER_CLUSTER_DIR (default .deploy/local), LEDGER_BASE_PORT (default 7150).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${LEDGER_CLUSTER_DIR:-$root/.deploy/local}
base_port=${LEDGER_BASE_PORT:-7150}
command=${1:-}
count=${2:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

node_dll="$root/Ledger.Node/bin/Release/net10.0/Ledger.Node.dll"
cli_dll="$root/Ledger.Cli/bin/Release/net10.0/ledger.dll"

build() {
  dotnet build "$root/Ledger.Node/Ledger.Node.csproj" -c Release -nologo -v q >/dev/null
  dotnet build "$root/Ledger.Cli/Ledger.Cli.csproj" -c Release -nologo -v q >/dev/null
}

running_pids() {
  for pid_file in "$state"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    local pid; pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

ledger() { (cd "$state/consortium" && dotnet "$cli_dll" "$@"); }

endpoint_of() { sed -n "s/^NODE$1_PUBLIC_URL=//p" "$state/consortium/nodes.env"; }

# Prometheus metrics of node i (1-based): the ports after every node's public and peer port.
metrics_of() { echo "http://127.0.0.1:$((base_port + 2 * count + $1 - 1))"; }

start() {
  if [ -n "$(running_pids 2>/dev/null || true)" ]; then
    echo "local cluster already running (see '$0 status'); stop it first" >&2
    exit 1
  fi
  case "$count" in ''|*[!0-9]*) echo "N must be a number, got '$count'" >&2; exit 2;; esac
  build
  rm -rf "$state"
  mkdir -p "$state/pids" "$state/logs"
  dotnet "$cli_dll" consortium init --nodes "$count" --members platform,court,auditor --witnesses witness-1 --out "$state/consortium" --base-port "$base_port" --host 127.0.0.1 >/dev/null
  for node_dir in "$state"/consortium/nodes/*/; do
    local id; id=$(basename "$node_dir")
    # Only the node process is backgrounded, so the pid file holds the node's own pid.
    (
      cd "$state/consortium"
      # shellcheck disable=SC2046
      nohup dotnet "$node_dll" $(cat "nodes/$id/args") --metrics-url "$(metrics_of "${id#node-}")" --Logging:LogLevel:Default=Warning >"$state/logs/$id.log" 2>&1 &
      echo $! >"$state/pids/$id.pid"
    )
  done

  local deadline=$((SECONDS + 90)) leader=""
  while [ -z "$leader" ] && [ $SECONDS -lt $deadline ]; do
    for i in $(seq 1 "$count"); do
      local answer; answer=$(ledger status --endpoint "$(endpoint_of "$i")" --tls-ca ca.pem --output json 2>/dev/null || true)
      case "$answer" in *'"role": "Leader"'*) leader=node-$i ;; esac
    done
    [ -n "$leader" ] || sleep 1
  done
  if [ -z "$leader" ]; then
    echo "no leader elected within 90 s; logs are in $state/logs" >&2
    exit 1
  fi
  # Ready: every node's gRPC health service says SERVING (a leader known, not recovering, no fault, disk above its reserve).
  local not_ready="x"
  while [ -n "$not_ready" ] && [ $SECONDS -lt $deadline ]; do
    not_ready=""
    for i in $(seq 1 "$count"); do
      ledger health --endpoint "$(endpoint_of "$i")" --tls-ca ca.pem --timeout-seconds 3 >/dev/null 2>&1 || not_ready="$not_ready node-$i"
    done
    [ -z "$not_ready" ] || sleep 1
  done
  if [ -n "$not_ready" ]; then
    echo "not SERVING within 90 s:$not_ready; logs are in $state/logs" >&2
    exit 1
  fi

  echo "local cluster of $count nodes is up; leader: $leader"
  for i in $(seq 1 "$count"); do echo "  node-$i  $(endpoint_of "$i")  metrics: $(metrics_of "$i")/metrics"; done
  echo "consortium (genesis, CA, member keys): $state/consortium"
  echo "checkpoint witness: members/witness-1.key.json (ledger witness run --key members/witness-1.key.json --endpoint $(endpoint_of 1) --genesis genesis.json --tls-ca ca.pem)"
  echo "try: (cd $state/consortium && dotnet $cli_dll status --endpoint $(endpoint_of 1) --tls-ca ca.pem)"
}

stop() {
  local any=""
  for pid_file in "$state"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    local pid; pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      any=1
    fi
  done
  for _ in $(seq 1 50); do
    [ -n "$(running_pids)" ] || break
    sleep 0.2
  done
  for pid in $(running_pids); do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$state"/pids/*.pid
  if [ -n "$any" ]; then echo "stopped"; else echo "nothing was running"; fi
}

status() {
  if [ ! -d "$state/pids" ]; then echo "no local cluster has been started"; exit 0; fi
  local i=0
  for pid_file in "$state"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    i=$((i + 1))
    local id; id=$(basename "$pid_file" .pid)
    local pid; pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      echo "$id (pid $pid): running"
      ledger health --endpoint "$(endpoint_of "${id#node-}")" --tls-ca ca.pem --timeout-seconds 3 2>&1 | sed 's/^/    readiness: /' || true
      ledger status --endpoint "$(endpoint_of "${id#node-}")" --tls-ca ca.pem 2>&1 | sed 's/^/    /' || true
    else
      echo "$id (pid $pid): not running"
    fi
  done
  [ "$i" -gt 0 ] || echo "no node is running"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [N]" >&2; exit 2 ;;
esac
