"""A labelled CSV for the commands that learn from one (``triage-eval``, ``triage train``).

:func:`~vmeste.triage.evaluate.read_csv` reads it; this turns what can be wrong with the file into
a :class:`CommandError` the user can read, in their language.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from vmeste.triage.evaluate import BadTime, Labelled, read_csv

__all__ = ["read_labelled"]


def read_labelled(
    path: str | Path,
    text_column: str,
    label_column: str,
    time_column: str | None = None,
    *,
    dates_only: bool = False,
    finer_column: str | None = None,
) -> Labelled:
    """:func:`read_csv`, with a missing file or column, a non-UTF-8 file or a bad time told."""
    if not Path(path).is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    try:
        return read_csv(
            path,
            text_column,
            label_column,
            time_column,
            dates_only=dates_only,
            finer_column=finer_column,
        )
    except KeyError as error:
        raise CommandError(
            _("%(path)s has no column %(column)s") % {"path": path, "column": error.args[0]}
        ) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(path)s is not UTF-8 text") % {"path": path}) from None
    except BadTime as error:
        where = {"path": path, "line": error.line, "value": error.value}
        if dates_only:
            message = _("%(path)s, line %(line)d: «%(value)s» is not a date (YYYY-MM-DD)")
        else:
            message = _("%(path)s, line %(line)d: «%(value)s» is neither a number nor a date")
        raise CommandError(message % where) from None
