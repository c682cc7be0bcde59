"""The ML-engineer assessment the demo starts with (the full question bank is separate)."""

from __future__ import annotations

from typing import Any

__all__ = ["ML_ENGINEER_ASSESSMENT"]


def _q(
    prompt: str,
    competency: str,
    levels: list[str],
    exemplars: dict[int, str],
    *,
    kind: str = "video",
    think: int = 30,
    answer: int = 180,
    reveals: str = "",
    red_flags: str = "",
) -> dict[str, Any]:
    return {
        "prompt": prompt,
        "kind": kind,
        "competency": competency,
        "think_time_s": think,
        "max_answer_s": answer,
        "retakes_allowed": 1,
        "rubric": {
            "levels": [{"level": i + 1, "descriptor": d} for i, d in enumerate(levels)],
            "exemplars": [{"level": lv, "text": t} for lv, t in sorted(exemplars.items())],
            "reveals": reveals,
            "red_flags": red_flags,
        },
    }


ML_ENGINEER_ASSESSMENT: dict[str, Any] = {
    "title": "Machine Learning Engineer",
    "role": "ML Engineer (mid to senior)",
    "intro": (
        "This interview has a short practice question and then seven questions about how you "
        "build and run machine-learning systems and how you work with others. For each video "
        "question you get time to think, then up to three minutes to answer; you can retake an "
        "answer once. One question is answered in writing. There are no trick questions: talk "
        "about real work you have done where you can."
    ),
    "settings": {
        "blind_review": False,
        "reviews_per_response": 1,
        "english_threshold": "B2",
        "interval_level": 0.8,
        "focus": "general",
    },
    "dimensions": [
        {
            "name": "Technical",
            "weight": 45,
            "competencies": [
                {
                    "key": "ml-fundamentals",
                    "name": "ML fundamentals",
                    "description": "Learning theory in practice: data, evaluation, generalisation.",
                },
                {
                    "key": "software-engineering",
                    "name": "Software engineering",
                    "description": "Code quality, testing, design of maintainable systems.",
                },
                {
                    "key": "mlops",
                    "name": "MLOps",
                    "description": "Deploying, monitoring and operating models in production.",
                },
            ],
        },
        {
            "name": "Behavioral",
            "weight": 35,
            "competencies": [
                {
                    "key": "collaboration",
                    "name": "Collaboration",
                    "description": "Working with product, data and engineering partners.",
                },
                {
                    "key": "problem-solving",
                    "name": "Problem-solving",
                    "description": "Structuring ambiguous problems and reasoning to a decision.",
                },
                {
                    "key": "ownership",
                    "name": "Ownership",
                    "description": "Taking responsibility for outcomes, including unglamorous work.",
                },
            ],
        },
        {
            "name": "Contextual",
            "weight": 20,
            "competencies": [
                {
                    "key": "production-thinking",
                    "name": "Production thinking",
                    "description": "Reasoning about cost, latency, reliability and users in production.",
                },
            ],
        },
    ],
    "questions": [
        {
            "prompt": "Practice: tell us briefly what you worked on last week. This answer is not "
            "scored; use it to get comfortable with the recording.",
            "kind": "video",
            "think_time_s": 15,
            "max_answer_s": 60,
            "retakes_allowed": 3,
            "is_practice": True,
        },
        _q(
            "Your model scores well offline but its accuracy dropped over the last month in "
            "production. Walk us through how you would diagnose what is happening.",
            "mlops",
            [
                "Guesses a cause without checking anything; no plan.",
                "Mentions retraining or checking data, but with no order or evidence.",
                "Checks data drift and pipeline changes in a sensible order and names some metrics.",
                "Separates data drift, concept drift and pipeline bugs; compares feature "
                "distributions and label delay; proposes monitoring.",
                "A full, prioritised diagnosis: pipeline and schema checks first, feature and "
                "prediction drift with statistics, label delay, slicing by segment, and a plan for "
                "monitoring and safe retraining.",
            ],
            {
                1: "I would just retrain the model on new data, that usually fixes it. Maybe try "
                "a bigger model.",
                3: "First I'd check whether the input data changed, like the distribution of the "
                "features compared to training. If it drifted I'd retrain on recent data. I'd "
                "also look at whether something in the pipeline changed.",
                5: "I'd start with the cheap checks: did a deploy, a schema change or an upstream "
                "pipeline change land around when it started, are features arriving null or "
                "with different units. Then I'd compare live feature distributions to training "
                "with something like population stability index, and look at prediction drift. "
                "Because labels arrive late I'd check whether the drop is real or a labelling "
                "delay artefact, then slice the error by segment to see if one customer group "
                "or region explains it. Depending on the cause: fix the pipeline, or retrain on "
                "recent data with a proper backtest, and add drift monitoring with alerts so we "
                "catch it in days, not a month.",
            },
            reveals="Structured debugging of production ML; knowledge of drift types.",
            red_flags="Retrains blindly; no notion of monitoring or label delay.",
        ),
        _q(
            "Explain the bias-variance trade-off and how it shows up when you train a model in practice.",
            "ml-fundamentals",
            [
                "Cannot explain the terms or confuses them.",
                "Defines the terms loosely, no practical link.",
                "Correct definitions and links to under- and overfitting with one remedy each.",
                "Clear explanation with learning curves, regularisation and data size effects.",
                "Precise explanation tied to diagnostics (train vs validation curves), remedies, "
                "and nuances such as modern over-parameterised models.",
            ],
            {
                1: "Bias is when the model is biased against some group, and variance is how "
                "much the data varies.",
                3: "High bias means the model is too simple and underfits, high variance means "
                "it overfits the training data. You can add regularisation or more data for "
                "variance, or a more complex model for bias.",
                5: "Bias is error from wrong assumptions, so the model underfits: training and "
                "validation error are both high. Variance is sensitivity to the particular "
                "training sample, so it overfits: low training error, a big gap to validation. "
                "In practice I look at learning curves. If the gap is large I add data, "
                "regularise, simplify or use early stopping; if both errors are high I add "
                "features or capacity. With large neural nets the classic U-shape doesn't "
                "always hold, so I trust the validation curves over the theory.",
            },
        ),
        _q(
            "How do you make machine-learning code maintainable and testable in a team?",
            "software-engineering",
            [
                "No practices beyond notebooks.",
                "Mentions version control or some tests without specifics.",
                "Modular code, unit tests for data transforms, code review, reproducible envs.",
                "Adds data validation, deterministic pipelines, CI, typed interfaces.",
                "A coherent practice: modular packages, tests at several levels including data "
                "and model checks, CI, reproducibility, and review culture.",
            ],
            {
                1: "I mostly work in notebooks and share them with the team when it works.",
                3: "I move code out of notebooks into modules, write unit tests for the feature "
                "transformations, use git with code review, and pin dependencies so the "
                "environment is reproducible.",
                5: "I treat the pipeline as software: a package with clear interfaces between "
                "data loading, features, training and serving, type hints, unit tests for "
                "transforms with small fixtures, data validation on inputs, and a smoke test "
                "that trains on a tiny sample in CI. Runs are reproducible from config and a "
                "pinned environment, and every change goes through review.",
            },
        ),
        _q(
            "Tell us about a time you disagreed with a colleague or stakeholder about a "
            "technical decision. What happened?",
            "collaboration",
            [
                "Blames others, or no real example.",
                "An example with little on how it was resolved.",
                "A clear example, listened to the other side, reached a decision.",
                "Uses data or experiments to resolve it; keeps the relationship.",
                "Shows empathy, evidence, a clear outcome, and reflection on what they learned.",
            ],
            {
                1: "My manager wanted something else but I just did it my way because I knew it was right.",
                3: "A product manager wanted to launch a model quickly and I thought it needed "
                "more testing. We talked about it and agreed to launch to a small group "
                "first.",
                5: "Our product lead wanted to ship a recommender before the holidays; I thought "
                "the offline gains wouldn't hold. I asked what mattered most to her, which was "
                "the date, and proposed a two-week A/B test on five percent of traffic. The "
                "test showed a small gain on clicks but a drop in purchases, so we shipped a "
                "tuned version after the holidays. I learned to frame concerns in terms of "
                "the other person's goals.",
            },
        ),
        _q(
            "Describe how you would decide between batch and real-time serving for a new model.",
            "production-thinking",
            [
                "No criteria.",
                "Prefers one without reasons.",
                "Names latency and freshness requirements and cost.",
                "Weighs latency, freshness, cost, feature availability and operational load.",
                "A clear decision framework with examples, hybrid options, and failure modes.",
            ],
            {
                1: "Real-time is always better because it's faster.",
                3: "It depends on how fresh the predictions must be. If users need an answer "
                "immediately you serve in real time, otherwise batch is cheaper and simpler.",
                5: "I'd start from the product need: how quickly a prediction must react to new "
                "information and the latency budget. Batch is cheaper, easier to monitor and "
                "can use heavy features, but predictions go stale. Real-time needs features "
                "available online, tight latency and on-call support. Often a hybrid works: "
                "precompute most scores in batch and adjust online with a few fresh features.",
            },
        ),
        _q(
            "Tell us about a problem you owned end to end, including the unglamorous parts.",
            "ownership",
            kind="written",
            think=0,
            answer=600,
            levels=[
                "No ownership shown.",
                "Did assigned parts only.",
                "Owned the outcome and followed through.",
                "Drove it across teams, handled the boring parts, measured impact.",
                "Clear ownership from problem to measured outcome, with follow-up and lessons.",
            ],
            exemplars={
                1: "I did the modelling part that was assigned to me and handed it over.",
                3: "I owned our churn model from the first prototype to deployment and "
                "fixed the data issues we found after launch.",
                5: "Nobody owned our flaky feature pipeline, so I took it on: I wrote "
                "down every failure for two weeks, fixed the three causes behind "
                "most of them, added alerts and a runbook, and trained the on-call "
                "rotation. Failures went from weekly to once a quarter.",
            },
        ),
        _q(
            "You have two weeks to improve a model that predicts delivery times. How do you "
            "decide what to work on?",
            "problem-solving",
            [
                "Starts building without a plan.",
                "Picks something to try without prioritising.",
                "Looks at errors and picks likely improvements.",
                "Error analysis by segment, quick baselines, prioritises by impact and effort.",
                "Clarifies the goal metric, does error analysis, ranks ideas by expected impact "
                "and cost, time-boxes experiments, and plans the release.",
            ],
            {
                1: "I'd try a deep learning model because they are more accurate.",
                3: "I'd look at where the model makes the biggest errors and try to add features "
                "for those cases, then compare to the current model.",
                5: "First I'd agree on the metric that matters, say the share of deliveries "
                "predicted within ten minutes. Then error analysis: slice errors by region, "
                "time of day and restaurant type. I'd list ideas with rough impact and effort, "
                "try the cheap ones first in one-day experiments, and keep the last days for "
                "validation and a safe rollout.",
            },
        ),
    ],
}
