#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test tier with ctest:
#   build/       unit, integration and slow tiers (real redis-server, chuhe-server, fairy-stockfish)
#   build-asan/  the unit tier again under AddressSanitizer + UndefinedBehaviorSanitizer
#   build-cuda/  the network tests again with the CUDA backend compiled in (when nvcc is installed)
#   build-fuzz/  each libFuzzer target for a few seconds (clang)
# Ends with one line "chuhe: N passed, M failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

server/install-deps.sh test || exit 1
export PATH="$PATH:/usr/games"  # Debian installs fairy-stockfish there

jobs=$(nproc)
passed=0
failed=0
status=0

# run_tier NAME BUILD_DIR CTEST_ARGS...: runs ctest and adds its counts to the totals.
run_tier() {
  local name=$1 dir=$2
  shift 2
  echo "== $name"
  local log
  log=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [[ -n $line ]]; then
    local total bad
    bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  fi
  rm -f "$log"
  [[ $rc -eq 0 ]] || status=1
}

echo "== build (RelWithDebInfo)"
server/build.sh build || exit 1
web/build.sh || exit 1
run_tier "unit, integration and slow tiers" build -L 'unit|integration|slow|e2e'

echo "== build (ASan+UBSan, unit tests)"
server/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug "-DCHUHE_SANITIZE=address;undefined" -- chuhe_unit_tests || exit 1
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_tier "unit tier under sanitizers" build-asan -L unit

# The CUDA inference backend (issue 11) must keep compiling: built with nvcc and cuBLAS wherever the
# toolkit is installed; its GPU-vs-CPU test skips, saying so, on a machine without a GPU.
if [[ -x /usr/local/cuda/bin/nvcc ]]; then
  echo "== build (CHUHE_CUDA=ON, network tests)"
  server/build.sh build-cuda -DCHUHE_CUDA=ON -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc -- ai_nn_unit_tests || exit 1
  run_tier "network tests, CUDA build" build-cuda -L unit -R 'Nn|Mcts'
else
  echo "== no CUDA toolkit at /usr/local/cuda: the CHUHE_CUDA=ON build is skipped"
fi

echo "== build (libFuzzer, clang)"
server/build.sh build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCHUHE_FUZZ=ON -DBUILD_TESTING=ON -- chuhe_fuzz_targets || exit 1
run_tier "fuzz targets" build-fuzz -L fuzz

echo "chuhe: $passed passed, $failed failed"
exit $status
