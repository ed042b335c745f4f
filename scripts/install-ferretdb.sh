#!/usr/bin/env bash
# Build FerretDB v1.24.2 (SQLite backend) from the Go module proxy into $(go env GOPATH)/bin.
#
# Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`? Two reasons seen here:
# - `go install pkg@version` asks the proxy for the module's version list, which this
#   environment's proxy refuses (403), so it fails before building;
# - a binary built that way panics at start ("Invalid build/version/version.txt"), because
#   FerretDB embeds its version from a file its release tooling writes.
# So: download the exact module version, copy it to a scratch directory, write version.txt,
# apply the one-line fix below, and build.
#
# The fix (SQLite backend): FerretDB creates the `_id_` index on the expression
# `_ferretdb_sjson->"_id"` but filters, updates and deletes by `_id` with
# `_ferretdb_sjson->'$._id'`. The two select the same value, but SQLite only uses an expression
# index for the identical expression, so every lookup, update and delete by `_id` scanned the
# whole table (a session lookup took 10 ms at 2,000 sessions and grew with the collection). The
# fix writes the query expression the way the index is written (`->'_id'`, the same JSON path);
# `EXPLAIN QUERY PLAN` then shows `SEARCH ... USING INDEX ..._id_`. The binary is stamped so an
# unpatched build is replaced. If the checksum database cannot be reached, the download is retried once with
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
PATCH_STAMP="sqlite-id-index-1"
if [ -x "$TARGET" ] && "$TARGET" --version 2>/dev/null | grep -q "${VERSION#v}" \
  && [ "$(cat "$TARGET.masterx-patches" 2>/dev/null)" = "$PATCH_STAMP" ]; then
  echo "install-ferretdb: $TARGET is already FerretDB $VERSION ($PATCH_STAMP)"
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
metadata_go="$scratch/src/internal/backends/sqlite/metadata/metadata.go"
sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata_go"
if ! grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata_go"; then
  echo "install-ferretdb: could not apply the _id index fix to $metadata_go (FerretDB $VERSION changed?)" >&2
  exit 1
fi
cd "$scratch/src"
echo "install-ferretdb: building FerretDB $VERSION (about 2 minutes on 2 cores) ..."
mkdir -p "$BIN_DIR"
GOFLAGS=-mod=mod go build -trimpath -o "$TARGET.tmp" ./cmd/ferretdb
mv "$TARGET.tmp" "$TARGET"
echo "$PATCH_STAMP" > "$TARGET.masterx-patches"
echo "install-ferretdb: installed $("$TARGET" --version | head -1) at $TARGET"
