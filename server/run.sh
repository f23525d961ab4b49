#!/usr/bin/env bash
# Installs what is missing, builds, and runs the server on its embedded defaults (its own
# redis-server in ./data). Extra arguments go to chuhe-server, e.g. server/run.sh --listen 0.0.0.0:8080
#
# To try a cluster on one machine: server/run.sh --nodes 3 [--base-port 8080] starts one redis-server
# (AOF, appendfsync always, in ./data/cluster-redis) and 3 nodes with cluster = true and one shared
# secret on ports 8080, 8081, 8082, each with its own data dir (./data/node-N). Ctrl-C stops them all.
# (docs/operations.md says how to run a real one.)
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=0
base_port=8080
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

server/install-deps.sh build
server/build.sh build
web/build.sh
if [[ $nodes -le 0 ]]; then
  exec build/bin/chuhe-server "${args[@]}"
fi

# A local cluster: one Redis with the durability the Redis journal needs, then the nodes.
mkdir -p data/cluster-redis
redis_port=$((base_port + 1000))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap cleanup EXIT INT TERM
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/data/cluster-redis" --save '' \
  --appendonly yes --appendfsync always --daemonize no >data/cluster-redis/redis.log 2>&1 &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
secret_file=data/cluster-secret
[[ -s $secret_file ]] || head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 48 >"$secret_file"
secret=$(cat "$secret_file")
for ((i = 0; i < nodes; i++)); do
  port=$((base_port + i))
  CHUHE_JWT_SECRET=$secret build/bin/chuhe-server --cluster true --redis "127.0.0.1:$redis_port" \
    --listen "127.0.0.1:$port" --data "data/node-$i" "${args[@]}" &
  pids+=($!)
done
echo "Redis on 127.0.0.1:$redis_port; nodes on ports $base_port-$((base_port + nodes - 1)). Ctrl-C stops them all."
wait
