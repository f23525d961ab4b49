#!/usr/bin/env bash
# Installs what is missing, builds, and runs the server on its embedded defaults (its own
# redis-server in ./data). Extra arguments go to chuhe-server, e.g. server/run.sh --listen 0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")/.."

server/install-deps.sh build
server/build.sh build
web/build.sh
exec build/bin/chuhe-server "$@"
