#!/usr/bin/env bash
# Builds the browser client into web/dist/ (served by chuhe-server at /).
# Installs the npm toolchain (esbuild) first when node_modules is missing or older than
# package-lock.json. Idempotent; a second run only re-bundles (well under a second).
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null || { echo "web/build.sh: node is required (Debian: apt-get install -y nodejs npm)" >&2; exit 1; }

# node_modules is current when it was installed from this exact package-lock.json.
stamp=node_modules/.chuhe-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" || ! -d node_modules/esbuild ]]; then
  echo "web/build.sh: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

node build.mjs
