#!/usr/bin/env bash
# Build FerretDB v1.24.2 (SQLite backend) from the Go module proxy into $(go env GOPATH)/bin.
#
# Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`? Two reasons seen here:
# - `go install pkg@version` asks the proxy for the module's version list, which this
#   environment's proxy refuses (403), so it fails before building;
# - a binary built that way panics at start ("Invalid build/version/version.txt"), because
#   FerretDB embeds its version from a file its release tooling writes.
# So: download the exact module version, copy it to a scratch directory, write version.txt,
# and build. If the checksum database cannot be reached, the download is retried once with
# GOSUMDB=off (the module's go.sum still pins every dependency).
set -euo pipefail

VERSION="${FERRETDB_VERSION:-v1.24.2}"
MODULE="github.com/FerretDB/FerretDB"

if ! command -v go >/dev/null 2>&1; then
  echo "install-ferretdb: Go is not installed; install it (apt-get install -y golang-go) or put mongod on PATH" >&2
  exit 1
fi
BIN_DIR="$(go env GOPATH)/bin"
TARGET="$BIN_DIR/ferretdb"
if [ -x "$TARGET" ] && "$TARGET" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  echo "install-ferretdb: $TARGET is already FerretDB $VERSION"
  exit 0
fi

scratch="$(mktemp -d)"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
cd "$scratch"

download() { go mod download -json "$MODULE@$VERSION"; }
if ! info="$(download 2>"$scratch/err")"; then
  echo "install-ferretdb: download failed ($(tail -1 "$scratch/err")); retrying with GOSUMDB=off" >&2
  info="$(GOSUMDB=off download)"
fi
src="$(printf '%s' "$info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"

cp -r "$src" "$scratch/src"
chmod -R u+w "$scratch/src"
echo "$VERSION" > "$scratch/src/build/version/version.txt"
cd "$scratch/src"
echo "install-ferretdb: building FerretDB $VERSION (about 2 minutes on 2 cores) ..."
mkdir -p "$BIN_DIR"
GOFLAGS=-mod=mod go build -trimpath -o "$TARGET.tmp" ./cmd/ferretdb
mv "$TARGET.tmp" "$TARGET"
echo "install-ferretdb: installed $("$TARGET" --version | head -1) at $TARGET"
