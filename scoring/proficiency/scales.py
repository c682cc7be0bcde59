"""How each signal maps onto the continuous CEFR scale (1 = A1 ... 6 = C2).

Each scored signal has two anchors: the value typical of A2 (mapped to 2.0) and
of C1 (mapped to 5.0). In between and beyond, the mapping is linear, clipped to
[1, 6]. The "typical B2 range" reported with a signal is the span the mapping
sends to [3.5, 4.5], so the range and the band can never disagree.

Where the anchors come from, honestly:

- Speed, pausing and run length: direction and rough size follow studies of
  fluency across assessed CEFR levels, chiefly Tavakoli, Nakatsuhara & Hunter
  (2020, Modern Language Journal 104(1), Aptis monologues A2-C1) and Iwashita
  et al. (2008, Applied Linguistics 29(1), TOEFL speaking levels): speed and
  run length rise and pausing falls from A2 to B2, then level off. Their
  syllable-based figures were converted at about 1.4 syllables per word and
  rounded; the anchors are engineering defaults, not values from one table.
- ASR confidence: Whisper tiny.en's mean word probability. The A2/C1
  anchors are not calibrated to CEFR, because no CEFR-labelled speech is at hand.
- Speech weights were chosen by hand on speechocean762 (252 read sentences,
  experts' 0-10 scores; see ``scoring.proficiency_eval``): ASR confidence
  correlates best with the total score (r = 0.61), then speech rate (0.47) and
  pause ratio (0.38); mean length of run, mean pause and fillers say little on
  short read sentences and keep small weights from the fluency literature.
  Rates and pause ratio are scored from 2 words on, so every clip is scored on
  the same signals (the interval widens for short answers instead). With these
  weights the band score reaches r = 0.66 with the total and 0.69 with
  fluency on that same data (in-sample; read speech, not interviews).
- Vocabulary and syntax: MTLD, Zipf and ``cefrpy`` anchors were set on small
  hand-graded texts (A2, B1/B2, C1 register) and are the least supported.

The mapping is a documented heuristic for ordering candidates and flagging who
may be below a threshold; a person makes the decision. Spoken answers no longer use
these weights for their score: the learned model (``scoring.proficiency.model``,
speaker-grouped CV r 0.65 on the same data) replaced them; the scales still give each
signal's B2 range shown to reviewers, and score written answers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SCALES", "SignalScale"]


@dataclass(frozen=True, kw_only=True)
class SignalScale:
    """Anchors and weights of one signal.

    Attributes:
        name: Signal name.
        unit: Unit of the value.
        description: One sentence for a reviewer.
        at_a2: Value typical of A2 speakers/writers; None if the signal is not scored.
        at_c1: Value typical of C1.
        speech_weight: Weight in a spoken answer's score.
        text_weight: Weight in a written answer's score.
        min_words: Below this many words the signal is not scored.
    """

    name: str
    unit: str
    description: str
    at_a2: float | None = None
    at_c1: float | None = None
    speech_weight: float = 0.0
    text_weight: float = 0.0
    min_words: int = 1

    def sub_score(self, value: float) -> float | None:
        """The signal's own position on the 1..6 scale, or None if it is not scored."""
        if self.at_a2 is None or self.at_c1 is None:
            return None
        raw = 2.0 + 3.0 * (value - self.at_a2) / (self.at_c1 - self.at_a2)
        return min(max(raw, 1.0), 6.0)

    def b2_range(self) -> tuple[float | None, float | None]:
        """The values the mapping places within B2 (3.5 to 4.5), low first."""
        if self.at_a2 is None or self.at_c1 is None:
            return None, None
        step = (self.at_c1 - self.at_a2) / 3.0
        a, b = self.at_a2 + 1.5 * step, self.at_a2 + 2.5 * step
        return (a, b) if a <= b else (b, a)


_S = SignalScale
SCALES: tuple[SignalScale, ...] = (
    _S(name="words", unit="words", description="Words recognised or written (evidence size)."),
    _S(name="speaking_time", unit="s", description="Time from the first to the last word."),
    _S(
        name="speech_rate",
        unit="words/min",
        at_a2=75.0,
        at_c1=135.0,
        speech_weight=1.0,
        min_words=2,
        description="Words per minute of speaking time, pauses included.",
    ),
    _S(
        name="articulation_rate",
        unit="words/min",
        at_a2=110.0,
        at_c1=170.0,
        speech_weight=0.5,
        min_words=2,
        description="Words per minute while speaking, pauses excluded.",
    ),
    _S(name="pause_count", unit="pauses", description="Silent gaps of 0.25 s or more."),
    _S(
        name="pauses_per_minute",
        unit="1/min",
        at_a2=24.0,
        at_c1=9.0,
        min_words=10,
        description="Silent gaps of 0.25 s or more per minute of speaking time.",
    ),
    _S(
        name="mean_pause",
        unit="s",
        at_a2=1.0,
        at_c1=0.5,
        speech_weight=0.25,
        min_words=10,
        description="Mean length of silent gaps of 0.25 s or more.",
    ),
    _S(
        name="pause_ratio",
        unit="share",
        at_a2=0.35,
        at_c1=0.12,
        speech_weight=1.0,
        min_words=2,
        description="Share of speaking time spent in silent gaps.",
    ),
    _S(
        name="mean_length_of_run",
        unit="words",
        at_a2=3.0,
        at_c1=9.0,
        speech_weight=0.5,
        min_words=20,
        description="Mean number of words between pauses.",
    ),
    _S(
        name="filler_rate",
        unit="per 100 words",
        at_a2=8.0,
        at_c1=2.0,
        speech_weight=0.25,
        min_words=20,
        description="um/uh/er and set-off 'you know', 'I mean', 'like'.",
    ),
    _S(
        name="asr_confidence",
        unit="probability",
        at_a2=0.55,
        at_c1=0.9,
        speech_weight=2.0,
        description="Mean word probability of the recogniser: an intelligibility proxy.",
    ),
    _S(
        name="mtld",
        unit="words",
        at_a2=35.0,
        at_c1=85.0,
        speech_weight=0.5,
        text_weight=1.0,
        min_words=50,
        description="Lexical diversity (MTLD, McCarthy & Jarvis 2010).",
    ),
    _S(
        name="rare_word_share",
        unit="share",
        at_a2=0.01,
        at_c1=0.12,
        speech_weight=0.5,
        text_weight=1.0,
        min_words=20,
        description="Share of words rarer than Zipf 4 (under 10 per million, wordfreq).",
    ),
    _S(
        name="unknown_word_share",
        unit="share",
        description="Share of words wordfreq does not know (names, misspellings, ASR errors).",
    ),
    _S(name="mean_zipf", unit="Zipf", description="Mean word frequency (Zipf scale, wordfreq)."),
    _S(
        name="mean_cefr_word_level",
        unit="level 1-6",
        at_a2=1.15,
        at_c1=2.2,
        speech_weight=0.5,
        text_weight=1.0,
        min_words=20,
        description="Mean CEFR level of words known to cefrpy.",
    ),
    *(
        _S(
            name=f"cefr_{lv}_share",
            unit="share",
            description=f"Share of cefrpy-known words at level {lv.upper()}.",
        )
        for lv in ("a1", "a2", "b1", "b2", "c1", "c2")
    ),
    _S(
        name="mean_sentence_length",
        unit="words",
        at_a2=8.0,
        at_c1=20.0,
        speech_weight=0.25,
        text_weight=0.75,
        min_words=20,
        description="Words per sentence.",
    ),
    _S(
        name="clauses_per_sentence",
        unit="clauses",
        at_a2=1.1,
        at_c1=1.9,
        speech_weight=0.25,
        text_weight=0.75,
        min_words=20,
        description="1 + subordinators and relative pronouns per sentence (approximate).",
    ),
)
