#!/usr/bin/env bash
# Browser tests of the web client (headless Debian Chromium via npm playwright-core).
#   tests/e2e/run.sh                 install deps if needed, build web/dist, run every test
#   tests/e2e/run.sh board-smoke.mjs run some of them
#   tests/e2e/run.sh --prepare       only install deps and build (ctest fixture)
# Needs node + npm and /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM=/path; the server-*
# tests need the built chuhe-server (build/bin/chuhe-server, or CHUHE_SERVER=/path) and redis-server.
# Screenshots land in tests/e2e/artifacts/ (git-ignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

prepare() {
  local stamp=node_modules/.chuhe-lock.sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" || ! -d node_modules/playwright-core ]]; then
    echo "tests/e2e: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
  "$here/../../web/build.sh"
}

if [[ ${1:-} == --prepare ]]; then
  prepare
  exit 0
fi
if [[ -z ${CHUHE_E2E_NO_BUILD:-} ]]; then
  prepare
fi
export CHUHE_E2E_NO_BUILD=1

tests=("$@")
if [[ ${#tests[@]} -eq 0 ]]; then
  tests=(board-smoke.mjs server-game.mjs server-resume.mjs server-account.mjs server-ai.mjs)
fi
status=0
for t in "${tests[@]}"; do
  echo "== $t"
  node "$here/$t" || status=1
done
exit $status
