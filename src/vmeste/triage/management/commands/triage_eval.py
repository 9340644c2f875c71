"""``vmeste triage-eval``: measure a triage classifier on CSV files, print one JSON line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vmeste.triage.evaluate import cross_validate, evaluate, read_csv


class Command(BaseCommand):
    help = (
        "Evaluate the triage text classifier: train on one CSV and test on another (--test), "
        "or cross-validate on one CSV (--cv N). Prints one JSON line: n, top1, top3, macro_f1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, help="CSV with a header row")
        parser.add_argument("--test", help="CSV to evaluate on; without it, cross-validate")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", required=True)
        parser.add_argument("--cv", type=int, default=5, help="folds when there is no --test")
        parser.add_argument("--seed", type=int, default=0)

    def _read(self, path: str, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
        """Read a CSV, turning a missing file or column into a CommandError for the user."""
        if not Path(path).is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            return read_csv(path, text_column, label_column)
        except KeyError as error:
            raise CommandError(
                _("%(path)s has no column %(column)s") % {"path": path, "column": error.args[0]}
            ) from error

    def handle(self, *args: Any, **options: Any) -> None:
        text_column, label_column = options["text_column"], options["label_column"]
        started = time.perf_counter()
        texts, labels = self._read(options["train"], text_column, label_column)
        if options["test"]:
            test_texts, test_labels = self._read(options["test"], text_column, label_column)
            if not texts or not test_texts:
                raise CommandError(_("Both files need labelled rows."))
            result = evaluate(texts, labels, test_texts, test_labels, seed=options["seed"])
        else:
            folds = options["cv"]
            if folds < 2:
                raise CommandError(_("--cv needs at least 2 folds."))
            if len(texts) < folds:
                raise CommandError(
                    _("%(folds)d-fold cross-validation needs at least %(folds)d labelled rows.")
                    % {"folds": folds}
                )
            result = cross_validate(texts, labels, folds=folds, seed=options["seed"])
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["label"] = label_column
        self.stdout.write(json.dumps(result, ensure_ascii=False))
