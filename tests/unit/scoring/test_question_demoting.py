"""Question demoting: words an answer only repeats from the question earn no credit."""

from __future__ import annotations

import numpy as np
from test_features_by_name import BagEncoder

from scoring.features import encode_answers, encode_demoted, feature_index, level_features, prepare_question
from scoring.rubric import Rubric, RubricLevel

QUESTION = "Why does the bulb light when the switch closes the circuit?"
REFERENCE = "Closing the switch makes a closed path, so current flows through the bulb."


def _rubric() -> Rubric:
    levels = (
        RubricLevel(level=1, descriptor="incorrect"),
        RubricLevel(level=2, descriptor="contradictory"),
        RubricLevel(level=3, descriptor="correct", exemplars=(REFERENCE,)),
    )
    return Rubric(question=QUESTION, levels=levels, scale=(1, 2, 3))


def _answer_level(answers: list[str]) -> dict[str, np.ndarray]:
    enc = BagEncoder()
    pq = prepare_question(enc, _rubric())  # type: ignore[arg-type]
    vecs = encode_answers(enc, answers)  # type: ignore[arg-type]
    x = level_features(pq, vecs, demoted=encode_demoted(enc, pq, vecs))  # type: ignore[arg-type]
    f = feature_index()
    # at the top level, position = 1 and middle = 0: the *_x_position columns hold the raw value
    top = {name: x[:, -1, col] for name, col in f.items() if name.endswith("_x_position")}
    mid = {name: x[:, 1, col] for name, col in f.items() if name.endswith("_x_middle")}
    assert all(np.allclose(x[:, -1, f[n]], 0.0) for n in mid)  # nothing on the middle at the ends
    assert all(np.allclose(x[:, 0, f[n]], 0.0) for n in top)  # nor at the bottom of the scale
    return {**top, **mid}


def test_repeating_the_question_earns_no_demoted_credit() -> None:
    echo = "The bulb lights because the switch closes the circuit."
    real = "Current flows through a closed path."
    v = _answer_level([echo, real])
    # plain recall of the reference counts the echoed question words ("bulb", "switch") ...
    assert v["reference_word_recall_x_position"][0] > 0
    # ... demoted recall does not: the echo says nothing the question did not
    assert v["demoted_recall_x_position"][0] == 0.0
    assert v["nothing_new_x_position"][0] == 1.0 and v["question_overlap_x_position"][0] > 0.5
    assert v["demoted_recall_x_position"][1] > 0.4 and v["nothing_new_x_position"][1] == 0.0
    assert v["demoted_precision_x_position"][1] == 1.0  # every new word of the answer is the reference's
    # embedded without the question's words, the echo is further from the reference than the answer
    assert v["demoted_sim_x_position"][1] > v["demoted_sim_x_position"][0]
    # the middle-of-scale copies carry the same values
    np.testing.assert_allclose(v["demoted_recall_x_middle"], v["demoted_recall_x_position"])


def test_negation_is_compared_with_the_best_reference() -> None:
    v = _answer_level(["Current does not flow through a closed path.", "Current flows through a path."])
    assert v["negation_mismatch_x_position"].tolist() == [1.0, 0.0]
