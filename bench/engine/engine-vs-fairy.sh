#!/bin/sh
# engine-vs-fairy.sh [BUILD_DIR] [SECONDS]: search speed of chuhe-engine against fairy-stockfish, in
# the same run on the same machine, one thread each.
#   1. each engine's own bench (ours: `chuhe-engine bench`, its fixed xiangqi positions; FSF:
#      `bench 16 1 10 default depth xiangqi`, its xiangqi bench positions to depth 10)
#   2. the start position, `go movetime` SECONDS (default 5) each, nodes/s from the last info line
# Prints both figures and the ratio ours/FSF. Exit status 0 unless an engine fails to run.
set -eu
BUILD=${1:-build}
SECONDS_EACH=${2:-5}
ENGINE=$BUILD/bin/chuhe-engine
FSF=${FAIRY_STOCKFISH:-/usr/games/fairy-stockfish}
MS=$((SECONDS_EACH * 1000))

[ -x "$ENGINE" ] || { echo "no $ENGINE (build chuhe-engine first)" >&2; exit 2; }
[ -x "$FSF" ] || { echo "no fairy-stockfish at $FSF" >&2; exit 2; }

value() { awk -F': *' -v key="$1" '$1 ~ key {v=$2} END {print v}'; }

ours_bench=$("$ENGINE" bench)
ours_sig=$(printf '%s\n' "$ours_bench" | value "Nodes searched")
ours_bench_nps=$(printf '%s\n' "$ours_bench" | value "Nodes/second")
fsf_bench=$("$FSF" bench 16 1 10 default depth xiangqi 2>&1)
fsf_bench_nps=$(printf '%s\n' "$fsf_bench" | value "Nodes/second")

# nps of the last "info ... nps N" line of a movetime search from the start position.
startpos_nps() {
  { printf 'uci\nsetoption name UCI_Variant value xiangqi\nsetoption name Threads value 1\n'
    printf 'setoption name Hash value 64\nisready\nposition startpos\ngo movetime %s\n' "$MS"
    sleep $((SECONDS_EACH + 1)); echo quit; } | "$1" |
    awk '/^info .* nps / { for (i = 1; i <= NF; i++) if ($i == "nps") n = $(i + 1) } END { print n }'
}
ours_nps=$(startpos_nps "$ENGINE")
fsf_nps=$(startpos_nps "$FSF")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "chuhe-engine bench signature: $ours_sig nodes"
echo "bench nodes/s        chuhe-engine $ours_bench_nps  fairy-stockfish $fsf_bench_nps  ratio $(ratio "$ours_bench_nps" "$fsf_bench_nps")"
echo "startpos ${SECONDS_EACH}s nodes/s  chuhe-engine $ours_nps  fairy-stockfish $fsf_nps  ratio $(ratio "$ours_nps" "$fsf_nps")"
