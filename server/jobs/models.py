"""The heavy models, loaded once per process on first use and shared by every job."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from server.settings import ModelSettings

if TYPE_CHECKING:
    from scoring.exemplar_scorer import ExemplarScorer
    from scoring.transcription import Transcriber

__all__ = ["ModelHub"]


class ModelHub:
    """Lazily builds the transcriber and the exemplar scorer; thread-safe."""

    def __init__(self, settings: ModelSettings, *, cache_dir: str) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._transcriber: Transcriber | None = None
        self._scorer: ExemplarScorer | None = None
        self._imported = False

    def transcriber(self) -> Transcriber:
        with self._lock:
            if self._transcriber is None:
                from scoring.transcription import Transcriber

                s = self.settings
                self._transcriber = Transcriber(
                    model=s.whisper,
                    device=s.device,  # type: ignore[arg-type]
                    compute_type=None if s.compute_type == "auto" else s.compute_type,
                    cpu_threads=s.cpu_threads,
                    cache_dir=self.cache_dir,
                )
            return self._transcriber

    def warm_imports(self) -> None:
        """Import the scoring stack (torch, sentence-transformers): call from a thread, once,
        so a first job never blocks the event loop for seconds."""
        with self._lock:
            if self._imported:
                return
            import scoring.exemplar_scorer
            import scoring.proficiency.assess
            import scoring.transcript  # noqa: F401

            self._imported = True

    def scorer(self) -> ExemplarScorer:
        with self._lock:
            if self._scorer is None:
                from scoring.exemplar_scorer import ExemplarScorer

                self._scorer = ExemplarScorer()
            return self._scorer
