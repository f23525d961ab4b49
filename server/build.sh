#!/usr/bin/env bash
# Configures (once) and builds one build tree incrementally.
# Usage: server/build.sh DIR [extra cmake -D options...] [-- targets...]
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$1
shift
cmake_args=()
targets=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == -- ]]; then
    shift
    targets=("$@")
    break
  fi
  cmake_args+=("$1")
  shift
done

# ccache keyed on paths relative to the checkout, so a fresh clone (CI) reuses earlier builds.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f $dir/build.ninja ]]; then
  cmake -S . -B "$dir" -G Ninja "${launcher[@]}" "${cmake_args[@]}" >/dev/null
fi
if [[ ${#targets[@]} -gt 0 ]]; then
  cmake --build "$dir" --target "${targets[@]}"
else
  cmake --build "$dir"
fi
