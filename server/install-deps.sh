#!/usr/bin/env bash
# Installs the Debian packages Chuhe needs that are missing, and nothing else.
# Usage: server/install-deps.sh [build|test]   (test adds what the test suites need)
# Idempotent: a second run finds everything installed and does nothing.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config ccache
          libboost1.81-all-dev nlohmann-json3-dev libhiredis-dev libssl-dev libsqlite3-dev libargon2-dev
          redis-server)
if [[ "${1:-build}" == test ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev fairy-stockfish
             chromium fonts-arphic-ukai)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node builds the browser client. Any node/npm on the PATH will do (a nodejs package from elsewhere
# bundles npm and conflicts with Debian's npm package), so look for the commands, not the packages.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing Debian packages: ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
