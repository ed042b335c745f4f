#!/usr/bin/env bash
# Install what `make k8s` and `make deploy-check` need and the machine lacks:
# - kustomize v5 (renders deploy/k8s), built with Go from the Go module proxy into
#   $(go env GOPATH)/bin/kustomize;
# - Prometheus and promtool (check the configuration and rules; the live-stack test runs a
#   real Prometheus): Debian's `prometheus` package, with apt-get;
# - two schemas the tests validate against, shipped in Go modules and downloaded into the Go
#   module cache: the Prometheus operator's CRDs (ServiceMonitor, PrometheusRule) and the
#   Compose specification's JSON schema (docker-compose.yml).
#
# Why not `go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1`? Where the module proxy
# refuses the version-list lookup `go install` makes (403, as for FerretDB), it fails; so the
# exact module version is downloaded and built from a copy (scripts/install-ferretdb.sh does
# the same). If the checksum database cannot be reached the download is retried once with
# GOSUMDB=off (the module's own go.sum still pins every dependency).
#
# Usage: install-deploy-tools.sh [all | kustomize]. Silent when everything is there; messages
# go to stderr only (`make k8s` prints YAML on stdout).
set -euo pipefail

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.7.1}"
OPERATOR_VERSION="${PROMETHEUS_OPERATOR_VERSION:-v0.77.1}"
OPERATOR_MODULE="github.com/prometheus-operator/prometheus-operator"
COMPOSE_VERSION="${COMPOSE_GO_VERSION:-v2.16.2}"
COMPOSE_MODULE="github.com/compose-spec/compose-go/v2"
KUSTOMIZE_MODULE="sigs.k8s.io/kustomize/kustomize/v5"

say() { echo "install-deploy-tools: $*" >&2; }
scratch="$(mktemp -d)"
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "install-deploy-tools: Go is not installed (needed to build kustomize); install Go 1.22+ from https://go.dev/dl/" >&2
    exit 1
  fi
}

# go mod download -json MODULE@VERSION, retried once without the checksum database.
download_module() {
  local out
  if ! out="$(go mod download -json "$1" 2>/dev/null)"; then
    echo "install-deploy-tools: downloading $1 failed; retrying with GOSUMDB=off" >&2
    out="$(GOSUMDB=off go mod download -json "$1")"
  fi
  printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'
}

install_kustomize() {
  need_go
  local bin_dir target src
  bin_dir="$(go env GOPATH)/bin"
  target="$bin_dir/kustomize"
  if [ -x "$target" ] && "$target" version 2>/dev/null | grep -q "${KUSTOMIZE_VERSION}"; then
    return 0
  fi
  src="$(cd "$scratch" && download_module "$KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION")"
  cp -r "$src" "$scratch/src"
  chmod -R u+w "$scratch/src"
  say "building kustomize ${KUSTOMIZE_VERSION} (about a minute) ..."
  mkdir -p "$bin_dir"
  (cd "$scratch/src" && GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=${KUSTOMIZE_VERSION}" \
    -o "$target.tmp" .)
  mv "$target.tmp" "$target"
  say "installed kustomize $("$target" version) at $target"
}

install_prometheus() {
  if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's prometheus (prometheus, promtool) ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      prometheus >/dev/null
  else
    echo "install-deploy-tools: prometheus/promtool missing; install them with: sudo apt-get install -y prometheus" >&2
    exit 1
  fi
}

# Each line: a Go module, its version, and the schema file the tests read from it.
install_schemas() {
  need_go
  local cache module version file
  cache="$(go env GOMODCACHE)"
  while read -r module version file; do
    if [ -f "$cache/$module@$version/$file" ]; then
      continue
    fi
    say "downloading $module@$version (for $file) ..."
    (cd "$scratch" && download_module "$module@$version" >/dev/null)
  done <<SCHEMAS
$OPERATOR_MODULE $OPERATOR_VERSION example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
$COMPOSE_MODULE $COMPOSE_VERSION schema/compose-spec.json
SCHEMAS
}

case "${1:-all}" in
  kustomize) install_kustomize ;;
  all)
    install_kustomize
    install_prometheus
    install_schemas
    ;;
  *)
    echo "usage: $0 [all | kustomize]" >&2
    exit 2
    ;;
esac
