"""Text normalisation for the triage classifiers: cleaning, lemmas and short stems.

Citizen appeals arrive as HTML from rich-text editors, with entities, links and emoji; the
classifiers only need the words. Russian is highly inflected («Льгов», «Льгове», «Льговского»),
so every word is reduced to its dictionary form by pymorphy, which makes the rare forms of a
word meet its frequent ones; a short prefix stem (:func:`stem`) additionally makes a town meet
its adjective («Льгов» / «льговский»).
"""

from __future__ import annotations

import html
import inspect
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

from razdel import tokenize

__all__ = ["clean_text", "lemmas", "stem"]

_TAG = re.compile(r"<[^>]{0,2000}>")
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Symbols worth keeping although Unicode files them with the pictographs ("So", "Sk").
_KEEP_SYMBOLS = frozenset("№§°")

_morph: Any = None
_morph_lock = threading.Lock()


def _keep(char: str) -> bool:
    """Whether a character survives cleaning: letters, digits, punctuation, plain symbols."""
    if char.isspace():
        return True
    category = unicodedata.category(char)
    if category[0] == "L":
        # Cyrillic and Latin only; other scripts are nearly always decoration in appeals.
        name = unicodedata.name(char, "")
        return name.startswith(("CYRILLIC", "LATIN"))
    if category[0] in "NP":
        return True
    if category in ("Sm", "Sc"):
        return True
    return char in _KEEP_SYMBOLS


def clean_text(raw: str) -> str:
    """Plain text from an appeal: no tags, entities, links, emoji or runs of whitespace.

    Entities are unescaped twice because editors often double-escape (``&amp;nbsp;``); tags are
    replaced by a space so that ``<p>one</p><p>two</p>`` does not glue the words together.
    """
    if not raw:
        return ""
    text = html.unescape(html.unescape(raw))
    text = _TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    # NFC first: a «й» typed as «и» plus a combining breve must stay one letter.
    text = unicodedata.normalize("NFC", text)
    text = "".join(char if _keep(char) else " " for char in text)
    return _SPACE.sub(" ", text).strip()


def _analyzer() -> Any:
    """The one MorphAnalyzer of the process, built on first use (it takes ~0.2 s and 20 MB).

    pymorphy3 is preferred; the locked environment ships pymorphy2 (via natasha), whose
    ``inspect.getargspec`` call is gone in Python 3.11, so it gets a small compatible shim.
    """
    global _morph
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                try:
                    import pymorphy3 as pymorphy  # type: ignore[import-not-found,unused-ignore]
                except ImportError:
                    if not hasattr(inspect, "getargspec"):
                        inspect.getargspec = lambda func: inspect.getfullargspec(func)[:4]  # type: ignore[attr-defined]
                    import pymorphy2 as pymorphy  # type: ignore[import-not-found,unused-ignore,no-redef]
                _morph = pymorphy.MorphAnalyzer()
    return _morph


@lru_cache(maxsize=200_000)
def _normal_form(word: str) -> str:
    """Dictionary form of one lower-case word; cached because appeals repeat their words a lot."""
    return str(_analyzer().parse(word)[0].normal_form).replace("ё", "е")


def lemmas(text: str) -> list[str]:
    """Lower-case dictionary forms of the words of ``text`` (tokens without a letter dropped)."""
    words = []
    for token in tokenize(text):
        word = token.text.lower().replace("ё", "е")
        if _HAS_LETTER.search(word):
            words.append(_normal_form(word))
    return words


def stem(word: str, size: int = 5) -> str:
    """A crude prefix stem: the first ``size`` letters of the lower-cased word.

    Lemmas of a town and of its adjective differ («льгов», «льговский», «обоянь», «обоянский»);
    their first five letters agree, which is what the place gazetteer needs.
    """
    return word.lower().replace("ё", "е")[:size]
