#!/usr/bin/env bash
# cluster-vs-single.sh [BUILD_DIR] [PLAYERS] [PACE_MS] [SECONDS] [SPECTATORS]: the same loadbots load
# (default 300 players, a move every 500 ms each, 30 s, no spectators) against, in one run on this machine:
#   single   one chuhe-server, cluster = false (moves journaled in SQLite)
#   1-node   one chuhe-server, cluster = true (leases, Redis move journal, shared lobby)
#   3-node   three chuhe-server nodes, cluster = true, the bots spread over them (bot i on node i % 3)
# All use one redis-server started here with appendonly yes, appendfsync always (FLUSHALL between runs).
# Prints a table: connections held, moves/s, move relay latency p50/p99 (a move's send by one bot to its
# receipt by the opponent bot) for moves whose mover and receiver are on the same node and on different
# nodes (in 3-node; in the others every pair is on the same node), and in cluster mode by the number of
# Redis hops the move took, from the game's owner as its lease says (0: mover and receiver both on the
# owning node; 1: one of them elsewhere; 2: both elsewhere: a same-node pair whose game another node's
# lobby tick created), then the CPU of the chuhe-server processes (summed, % of one core) and of redis-server,
# and the PUBLISH commands Redis ran per move relayed (inbox and game-channel messages between nodes; with
# SPECTATORS, each of which watches one bot game on the node of its index % nodes, this shows the
# per-game channel: one publish per broadcast per game, not one per remote spectator).
# Everything (bots, nodes, Redis) shares this machine's cores: the figures compare the set-ups on one
# machine, not what separate machines would do. Needs build/bin/chuhe-server and build/bin/loadbots.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
PLAYERS=${2:-300}
PACE=${3:-500}
DURATION=${4:-30}
SPECTATORS=${5:-0}
SERVER=$BUILD/bin/chuhe-server
BOTS=$BUILD/bin/loadbots
[[ -x $SERVER && -x $BOTS ]] || { echo "build chuhe-server and loadbots in $BUILD first" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "no redis-server" >&2; exit 2; }

work=$(mktemp -d)
base=$((20000 + RANDOM % 20000))
redis_port=$base
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# PUBLISH commands the redis-server has run so far.
publishes() {
  redis-cli -p "$redis_port" INFO commandstats | tr -d '\r' |
    awk -F'[=,]' '/^cmdstat_publish:/ { print $2; found = 1 } END { if (!found) print 0 }'
}
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }  # utime + stime

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly yes \
  --appendfsync always --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 48)
common=(--redis "127.0.0.1:$redis_port" --jwt_secret "$secret" --log_level warn --messages_per_second 10000
        --message_burst 10000 --guest_per_minute 10000000 --guest_burst 10000000)

# run NAME CLUSTER NODES: starts the nodes, runs the bots against them, stops them; sets result[NAME].
declare -A result
run() {
  local name=$1 cluster=$2 nodes=$3 node_pids=() ports=() i port
  redis-cli -p "$redis_port" flushall >/dev/null
  for ((i = 0; i < nodes; i++)); do
    port=$((base + 1 + i))
    "$SERVER" "${common[@]}" --cluster "$cluster" --listen "127.0.0.1:$port" --data "$work/$name-$i" \
      >"$work/$name-$i.log" 2>&1 &
    node_pids+=($!)
    pids+=($!)
    ports+=("$port")
  done
  for port in "${ports[@]}"; do
    local deadline=$((SECONDS + 30))
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
      ((SECONDS < deadline)) || { echo "node on $port did not start:" >&2; cat "$work/$name"-*.log >&2; exit 1; }
      sleep 0.1
    done
  done
  local port_list pid_list r0 r1 out
  port_list=$(IFS=,; echo "${ports[*]}")
  pid_list=$(IFS=,; echo "${node_pids[*]}")
  r0=$(cpu_ticks "$redis_pid")
  local p0
  p0=$(publishes)
  local t0=$SECONDS
  local owners=()
  [[ $cluster == true ]] && owners=(--redis "127.0.0.1:$redis_port")  # each game's owner, from its lease
  out=$("$BOTS" --ports "$port_list" --players "$PLAYERS" --spectators "$SPECTATORS" --pace-ms "$PACE" \
    --duration "$DURATION" --server-pid "$pid_list" "${owners[@]}")
  r1=$(cpu_ticks "$redis_pid")
  local p1 moves
  p1=$(publishes)
  moves=$(printf '%s\n' "$out" | grep '^RESULT' | tr ' ' '\n' | awk -F= '$1 == "moves" { print $2 }')
  local elapsed=$((SECONDS - t0))
  printf '%s\n' "$out" >"$work/$name-bots.log"
  echo "--- $name ($nodes node(s), cluster=$cluster)"
  printf '%s\n' "$out" | sed -n '/== loadbots summary/,$p' | grep -v '^RESULT'
  local redis_pct
  redis_pct=$(awk -v t=$((r1 - r0)) -v hz="$(getconf CLK_TCK)" -v s="$elapsed" 'BEGIN { printf "%.1f", 100 * t / hz / (s > 0 ? s : 1) }')
  local per_move
  per_move=$(awk -v p=$((p1 - p0)) -v m="${moves:-0}" 'BEGIN { printf "%.2f", (m > 0 ? p / m : 0) }')
  result[$name]="$(printf '%s\n' "$out" | grep '^RESULT') redis_cpu_pct=$redis_pct publishes_per_move=$per_move"
  for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

run single false 1
run cluster1 true 1
run cluster3 true 3

field() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
echo
echo "== $PLAYERS players, $SPECTATORS spectators, pace $PACE ms, $DURATION s each; redis appendfsync always; $(nproc) cores shared by all"
echo "relay latency p50 / p99 in ms (samples): same-node / cross-node pairs; in cluster mode also by Redis hops"
printf '%-9s %9s %8s %23s %23s %23s %23s %23s %7s %7s %8s %6s\n' setup held moves/s "same-node" "cross-node" \
  "0 hops (on owner)" "1 hop" "2 hops" "server" "redis" publish errors
printf '%-9s %9s %8s %23s %23s %23s %23s %23s %7s %7s %8s %6s\n' "" "" "" "" "" "" "" "" "CPU %" "CPU %" "/move" ""
cell() {  # cell RESULT PREFIX: "p50 / p99 (n)" or "-"
  local n
  n=$(field "$1" "${2}_n")
  if [[ -z $n || $n == 0 ]]; then echo "-"; else echo "$(field "$1" "${2}_p50_ms") / $(field "$1" "${2}_p99_ms") ($n)"; fi
}
for name in single cluster1 cluster3; do
  r=${result[$name]}
  printf '%-9s %9s %8s %23s %23s %23s %23s %23s %7s %7s %8s %6s\n' "$name" "$(field "$r" held)/$(field "$r" total)" \
    "$(field "$r" moves_per_s)" "$(cell "$r" same)" "$(cell "$r" cross)" "$(cell "$r" hop0)" "$(cell "$r" hop1)" \
    "$(cell "$r" hop2)" "$(field "$r" server_cpu_pct)" "$(field "$r" redis_cpu_pct)" "$(field "$r" publishes_per_move)" \
    "$(field "$r" errors)"
done
