#!/usr/bin/env bash
# Install what the local stack needs and the machine lacks: Debian's redis-server, Debian's
# bubblewrap (the benchmark service's code sandbox, services/benchmark/isolation.py), Debian's
# chromium (the headless browser tests/gateway/test_docs_offline.py opens /docs in), and a
# MongoDB-compatible server (FerretDB built with Go) unless mongod is on PATH or
# MASTERX_MONGODB_URL points at a server already. Without root, say what to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."

need_redis=0
need_bwrap=0
need_chromium=0
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  need_chromium=1
fi
if ! command -v bwrap >/dev/null 2>&1 && [ ! -x /usr/bin/bwrap ]; then
  need_bwrap=1
fi
if [ -z "${MASTERX_REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1 \
   && [ ! -x /usr/bin/redis-server ]; then
  need_redis=1
fi
packages=()
[ "$need_redis" = 1 ] && packages+=(redis-server)
[ "$need_bwrap" = 1 ] && packages+=(bubblewrap)
[ "$need_chromium" = 1 ] && packages+=(chromium)
if [ "${#packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-prereqs: installing ${packages[*]} with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "install-prereqs: missing ${packages[*]}; install with: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi

have_ferretdb() {
  command -v ferretdb >/dev/null 2>&1 && return 0
  command -v go >/dev/null 2>&1 && [ -x "$(go env GOPATH)/bin/ferretdb" ] && return 0
  [ -x "$HOME/go/bin/ferretdb" ]
}
if [ -z "${MASTERX_MONGODB_URL:-}" ] && ! command -v mongod >/dev/null 2>&1 && ! have_ferretdb; then
  scripts/install-ferretdb.sh
fi
