"""``vmeste triage-eval``: measure a triage classifier on CSV files, print one JSON line."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vmeste.triage.csvfile import read_labelled
from vmeste.triage.evaluate import Labelled, cross_validate, evaluate


class Command(BaseCommand):
    help = (
        "Evaluate the triage text classifier: train on one CSV and test on another (--test), "
        "or cross-validate on one CSV (--cv N). Prints one JSON line: n, top1, top3, macro_f1. "
        "--time-column names when each text was written (a number or an ISO date); "
        "--finer-column a finer label nested in the label (a topic group's categories)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, help="CSV with a header row")
        parser.add_argument("--test", help="CSV to evaluate on; without it, cross-validate")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", required=True)
        parser.add_argument(
            "--time-column",
            help="when each text was written: a number that grows with time (an appeal's "
            "sequence number, days) or an ISO date; the model weighs it where it helps",
        )
        parser.add_argument(
            "--finer-column",
            help="a finer label within each label (the category of a topic group), read from "
            "--train only: a second model learns it, and a label's probability is the "
            "geometric mean of the two models'",
        )
        parser.add_argument("--cv", type=int, default=5, help="folds when there is no --test")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--no-embeddings",
            action="store_true",
            help="without the sentence-embedding model (the TF-IDF models alone, faster)",
        )

    def _read(self, path: str, options: dict[str, Any], finer: str | None = None) -> Labelled:
        return read_labelled(
            path,
            options["text_column"],
            options["label_column"],
            options["time_column"],
            finer_column=finer,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        train = self._read(options["train"], options, options["finer_column"])
        texts, labels = train.texts, train.labels
        if options["test"]:
            test = self._read(options["test"], options)
            if not texts or not test.texts:
                raise CommandError(_("Both files need labelled rows."))
            result = evaluate(
                texts,
                labels,
                test.texts,
                test.labels,
                train_times=train.times,
                test_times=test.times,
                train_finer=train.finer,
                seed=options["seed"],
                embeddings=not options["no_embeddings"],
            )
        else:
            folds = options["cv"]
            if folds < 2:
                raise CommandError(_("--cv needs at least 2 folds."))
            if len(texts) < folds:
                raise CommandError(
                    _("%(folds)d-fold cross-validation needs at least %(folds)d labelled rows.")
                    % {"folds": folds}
                )
            result = cross_validate(
                texts,
                labels,
                folds=folds,
                seed=options["seed"],
                times=train.times,
                finer=train.finer,
                embeddings=not options["no_embeddings"],
            )
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["label"] = options["label_column"]
        if options["finer_column"]:
            result["finer"] = options["finer_column"]
        self.stdout.write(json.dumps(result, ensure_ascii=False))
