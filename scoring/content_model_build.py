"""Fit and write the shipped content model (``scoring/content_model_default.json``).

The default is fitted on every answer of the SemEval-2013 Task 7 training data
(CC BY-SA 3.0, see ``/work/shared/data/semeval2013/LICENSE``), pooled; only the weights
are shipped. Run::

    D=/work/shared/data/semeval2013/training/3way
    python -m scoring.content_model_build --semeval $D/sciEntsBank --semeval $D/beetle \\
        -o scoring/content_model_default.json

After a refit, refit the prior calibration too (``python -m scoring.calibration_prior``): its
quantiles measure this model's errors.
"""

from __future__ import annotations

from pathlib import Path

import click

from scoring.evaluation.runner import fit_content_model

__all__ = ["main"]

VERSION = "content-clogit-semeval2013-train-3way/3"


@click.command()
@click.option(
    "--semeval",
    "semeval",
    multiple=True,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A SemEval-2013 folder of question XML files (repeat for several).",
)
@click.option("--version", default=VERSION, show_default=True, help="Recorded with every suggestion.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def main(semeval: tuple[Path, ...], version: str, output: Path) -> None:
    """Fit the content model on SemEval-style folders and write it as JSON."""
    model = fit_content_model("semeval", semeval, version=version, progress=True)
    output.write_text(model.to_json() + "\n", encoding="utf-8")
    click.echo(f"wrote {output} ({model.version}, {len(model.exemplar_weights)} features)")


if __name__ == "__main__":
    main()
