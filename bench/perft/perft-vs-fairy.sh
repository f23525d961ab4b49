#!/usr/bin/env bash
# perft speed, ours against fairy-stockfish's, in the same run on the same machine.
#
#   bench/perft/perft-vs-fairy.sh [DEPTH]          (default depth 5: 133,312,995 nodes)
#
# Env: PERFT (default build/bin/perft next to this checkout), FAIRY_STOCKFISH
# (default /usr/games/fairy-stockfish), REPEAT (runs per engine, best time kept; default 3).
# Both count from the start position with bulk counting at the last ply. fairy-stockfish is timed
# from a UCI session that runs `go perft D` and quits; the time of the same session without the
# perft (start-up, variant set-up) is measured separately and subtracted.
# Target (DESIGN.md): ours at least 2x faster. Exit status 1 if the node counts differ.
set -euo pipefail

depth=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
perft=${PERFT:-$here/../../build/bin/perft}
fsf=${FAIRY_STOCKFISH:-/usr/games/fairy-stockfish}
repeat=${REPEAT:-3}

[[ -x $perft ]] || { echo "no perft binary at $perft (build the 'perft' target, or set PERFT)" >&2; exit 2; }
[[ -x $fsf ]] || { echo "no fairy-stockfish at $fsf (apt install fairy-stockfish, or set FAIRY_STOCKFISH)" >&2; exit 2; }

now() { date +%s.%N; }
TIMEFORMAT=%U+%S  # bash's `time`: user + system CPU seconds
cpu() { awk -F+ '{ printf "%.3f", $1 + $2 }' "$1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

fsf_session() {  # $1: the command to run between set-up and quit
  printf 'uci\nsetoption name UCI_Variant value xiangqi\nposition startpos\n%s\nisready\nquit\n' "$1" | "$fsf" 2>/dev/null
}

ours_best="" fsf_best="" ours_cpu="" fsf_cpu="" ours_nodes="" fsf_nodes=""
for ((i = 0; i < repeat; i++)); do
  t0=$(now)
  { time "$perft" --depth "$depth" >"$tmp/ours" 2>/dev/null; } 2>"$tmp/ours.cpu"
  t1=$(now)
  ours_nodes=$(awk '/^Nodes searched:/ { print $3 }' "$tmp/ours")
  ours_best=$(min "$ours_best" "$(elapsed "$t0" "$t1")")
  ours_cpu=$(min "$ours_cpu" "$(cpu "$tmp/ours.cpu")")

  t0=$(now)
  { time fsf_session "isready" >/dev/null; } 2>"$tmp/idle.cpu"
  t1=$(now)
  { time fsf_session "go perft $depth" >"$tmp/fsf"; } 2>"$tmp/fsf.cpu"
  t2=$(now)
  fsf_nodes=$(awk '/^Nodes searched:/ { print $3 }' "$tmp/fsf")
  fsf_time=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.3f", (c - b) - (b - a) }')
  fsf_best=$(min "$fsf_best" "$fsf_time")
  fsf_cpu=$(min "$fsf_cpu" "$(awk -v a="$(cpu "$tmp/fsf.cpu")" -v b="$(cpu "$tmp/idle.cpu")" 'BEGIN { printf "%.3f", a - b }')")
done

ratio=$(awk -v a="$fsf_best" -v b="$ours_best" 'BEGIN { printf "%.2f", a / b }')
echo "perft $depth from the start position (best of $repeat runs)"
echo "  chuhe perft      : $ours_nodes nodes in ${ours_best} s ($(awk -v n="$ours_nodes" -v t="$ours_best" 'BEGIN { printf "%.1f", n / t / 1e6 }') Mnodes/s)"
echo "  fairy-stockfish  : $fsf_nodes nodes in ${fsf_best} s ($(awk -v n="$fsf_nodes" -v t="$fsf_best" 'BEGIN { printf "%.1f", n / t / 1e6 }') Mnodes/s)"
echo "  speed-up         : ${ratio}x wall time (target: at least 2x)"
echo "  CPU time         : chuhe ${ours_cpu} s, fairy-stockfish ${fsf_cpu} s: $(awk -v a="$fsf_cpu" -v b="$ours_cpu" 'BEGIN { printf "%.2f", a / b }')x"
echo "  (load average $(cut -d' ' -f1-3 /proc/loadavg); wall times suffer on a busy machine, CPU times less)"
if [[ "$ours_nodes" != "$fsf_nodes" ]]; then
  echo "NODE COUNTS DIFFER" >&2
  exit 1
fi
