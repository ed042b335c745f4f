"""Find the store binaries, and say exactly how to install one that is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FERRETDB_VERSION = "v1.24.2"
REDIS_HINT = "install it with: apt-get install -y redis-server   (or run `make deps` as root)"
FERRETDB_HINT = (
    f"install FerretDB {FERRETDB_VERSION} with: scripts/install-ferretdb.sh   (needs Go; "
    "or run `make deps`), or put `mongod` on PATH, or set MASTERX_MONGODB_URL"
)


class MissingPrerequisiteError(RuntimeError):
    pass


@dataclass(frozen=True)
class MongoServer:
    kind: str  # "mongod" or "ferretdb"
    binary: Path


def _go_bin_dirs() -> list[Path]:
    dirs = []
    if gobin := os.environ.get("GOBIN"):
        dirs.append(Path(gobin))
    if gopath := os.environ.get("GOPATH"):
        dirs.extend(Path(p) / "bin" for p in gopath.split(os.pathsep))
    go = shutil.which("go")
    if go:
        try:
            out = subprocess.run(
                [go, "env", "GOPATH"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
            if out:
                dirs.append(Path(out) / "bin")
        except (OSError, subprocess.TimeoutExpired):
            pass
    dirs.append(Path.home() / "go" / "bin")
    return dirs


def find_redis_server() -> Path:
    found = shutil.which("redis-server")
    if not found:
        raise MissingPrerequisiteError(f"redis-server is not installed; {REDIS_HINT}")
    return Path(found)


def find_ferretdb() -> Path | None:
    found = shutil.which("ferretdb")
    if found:
        return Path(found)
    for directory in _go_bin_dirs():
        candidate = directory / "ferretdb"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_mongo_server() -> MongoServer:
    """``mongod`` when on PATH, else FerretDB."""
    mongod = shutil.which("mongod")
    if mongod:
        return MongoServer("mongod", Path(mongod))
    ferretdb = find_ferretdb()
    if ferretdb:
        return MongoServer("ferretdb", ferretdb)
    raise MissingPrerequisiteError(f"no MongoDB-compatible server found; {FERRETDB_HINT}")
