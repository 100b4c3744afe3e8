# Sourced by bench/run-*.sh: a 3-node ledger on 127.0.0.1 for benchmarks — consortium from the CLI,
# plaintext like etcd (a node refuses plaintext peers unless --insecure-plaintext-peers, and then warns
# at start), fsync on, metrics served. Needs $repo and $work; appends the
# node processes to the caller's pids array and sets ledger_urls, metrics_urls and ledger_genesis,
# ledger_platform_key. The consortium's crypto suite is $ledger_suite (default p256-sha256).

# Below the kernel's ephemeral range (32768+), where outgoing connections — etcd's, the load
# generator's — would otherwise take a node's port before it binds; re-drawn until all nine (public,
# peer, metrics) are free.
ports_free() {
  python3 - "$@" <<'PY'
import socket, sys
for port in map(int, sys.argv[1:]):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
}

build_release() {
  echo "building (Release)" >&2
  local project
  for project in Ledger.Node Ledger.Cli bench/Ledger.Bench; do
    dotnet build "$repo/$project" -c Release -nologo -v q >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  done
}

start_ledger_cluster() {
  local base_port i public_port peer_port metrics_port
  while true; do
    base_port=$(( 20000 + RANDOM % 12000 ))
    ports_free $(seq "$base_port" $(( base_port + 8 ))) && break
  done
  dotnet "$repo/Ledger.Cli/bin/Release/net10.0/ledger.dll" consortium init --nodes 3 --members platform,court,auditor \
    --suite "${ledger_suite:-p256-sha256}" --out "$work/consortium" --base-port "$base_port" >/dev/null
  sed -i 's#https://127\.0\.0\.1#http://127.0.0.1#g' "$work/consortium/genesis.json"
  ledger_genesis="$work/consortium/genesis.json"
  ledger_platform_key="$work/consortium/members/platform.key.json"
  ledger_urls=() metrics_urls=()
  for i in 1 2 3; do
    public_port=$(( base_port + 2 * (i - 1) ))
    peer_port=$(( public_port + 1 ))
    metrics_port=$(( base_port + 6 + i - 1 ))
    mkdir -p "$work/ledger/node-$i"
    # Thread-pool workers spin before sleeping; on a small shared machine that spinning is pure waste
    # (10 % of the leader's CPU in a profile), so it is turned off, as a deployment on such a box should.
    (cd "$work/consortium" && DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 exec dotnet "$repo/Ledger.Node/bin/Release/net10.0/Ledger.Node.dll" \
      --node-id "node-$i" --data-dir "$work/ledger/node-$i" --genesis genesis.json \
      --node-key "nodes/node-$i/node.key.json" \
      --public-url "http://127.0.0.1:$public_port" --peer-url "http://127.0.0.1:$peer_port" \
      --metrics-url "http://127.0.0.1:$metrics_port" \
      --insecure-plaintext-peers \
      --Node:Fsync=true --Logging:LogLevel:Default=Warning) >"$work/ledger-$i.log" 2>&1 &
    pids+=("$!")
    ledger_urls+=("http://127.0.0.1:$public_port")
    metrics_urls+=("http://127.0.0.1:$metrics_port")
  done
}

# Stops every process in pids (TERM, then KILL after 5 s) and removes $work.
stop_started() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}

join() { local IFS=,; echo "$*"; }
