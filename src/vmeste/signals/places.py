"""Institutions and districts mentioned in a text, matched through Russian inflection.

Names are reduced to lemmas once (pymorphy3 via :func:`vmeste.triage.text.lemmas`), so that
«в краеведческом музее» meets «Краеведческий музей» and «на Заречном районе» meets «Заречный».
Generic words of official names («государственный», «учреждение», «краевой») are dropped from the
patterns: residents never say them, and keeping them would make every museum match every other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from vmeste.triage.text import lemmas

# Words that say what kind of body it is, not which one; never enough alone for a match.
GENERIC = {
    "государственный",
    "муниципальный",
    "бюджетный",
    "автономный",
    "казённый",
    "казенный",
    "учреждение",
    "областной",
    "краевой",
    "региональный",
    "городской",
    "имя",
    "культура",
    "гбук",
    "мбук",
    "гаук",
    "центр",
    "край",
    "и",
    "в",
    "на",
}
# Kinds of institution: a match needs one distinctive word besides these.
KIND_WORDS = {
    "музей",
    "театр",
    "библиотека",
    "дом",
    "парк",
    "школа",
    "филармония",
    "галерея",
    "усадьба",
    "кинотеатр",
    "клуб",
}


@dataclass(frozen=True)
class Pattern:
    target_id: int
    label: str
    words: tuple[str, ...]

    @property
    def distinctive(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in KIND_WORDS)


@dataclass(frozen=True)
class Match:
    target_id: int
    label: str
    phrase: str
    score: float


def _pattern_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in lemmas(name) if w.isalpha() and w not in GENERIC and len(w) > 1)


class Gazetteer:
    """Lemma patterns of names and aliases; ``find`` returns the best match per target."""

    def __init__(self, entries: list[tuple[int, str, list[str]]]) -> None:
        self.patterns: list[Pattern] = []
        # Every distinctive word must occur, so a pattern is looked at only for texts with its
        # first one: (position, pattern, distinctive words) by that word.
        self._by_word: dict[str, list[tuple[int, Pattern, tuple[str, ...]]]] = {}
        # A name of kind words alone («Филармония») names its institution only where no other
        # institution's name has those words: the region's one philharmonic, not one of ten
        # museums.
        kind_only: dict[tuple[str, ...], list[Pattern]] = {}
        named: list[Pattern] = []
        for target_id, label, names in entries:
            seen: set[tuple[str, ...]] = set()
            for name in names:
                words = _pattern_words(name)
                if not words or words in seen:
                    continue
                seen.add(words)
                pattern = Pattern(target_id, label, words)
                named.append(pattern)
                if pattern.distinctive:
                    self._add(pattern, pattern.distinctive)
                else:
                    kind_only.setdefault(words, []).append(pattern)
        for words, patterns in kind_only.items():
            owners = {p.target_id for p in named if set(words) <= set(p.words)}
            if len(owners) == 1:
                self._add(patterns[0], words)

    def _add(self, pattern: Pattern, distinctive: tuple[str, ...]) -> None:
        self._by_word.setdefault(distinctive[0], []).append(
            (len(self.patterns), pattern, distinctive)
        )
        self.patterns.append(pattern)

    def find(
        self, text: str, *, tokens: list[str] | None = None, surface: list[str] | None = None
    ) -> list[Match]:
        """Targets whose every distinctive word occurs in the text (kind words add to the score).

        The score is the share of the pattern's words found, plus a bonus when they occur close
        together, so «краеведческий музей» beats a bare «краеведческий».
        """
        words = tokens if tokens is not None else lemmas(text)
        positions: dict[str, list[int]] = {}
        for index, word in enumerate(words):
            positions.setdefault(word, []).append(index)
        best: dict[int, Match] = {}
        candidates = sorted(
            (entry for word in positions for entry in self._by_word.get(word, ())),
            key=lambda entry: entry[0],  # the gazetteer's order, as without the index
        )
        for _position, pattern, distinctive in candidates:
            if not all(w in positions for w in distinctive):
                continue
            found = [w for w in pattern.words if w in positions]
            first = [positions[w][0] for w in found]
            span = max(first) - min(first) + 1 if first else 0
            score = len(found) / len(pattern.words) + (0.25 if span <= len(found) + 1 else 0)
            # The words as the resident wrote them («в краеведческом музее»), when known.
            if surface is not None and len(surface) == len(words):
                phrase = " ".join(surface[i] for i in sorted(first))
            else:
                phrase = " ".join(found)
            current = best.get(pattern.target_id)
            if current is None or score > current.score:
                best[pattern.target_id] = Match(pattern.target_id, pattern.label, phrase, score)
        return sorted(best.values(), key=lambda m: -m.score)


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], Gazetteer]] = {}
# Edits of names and aliases are noticed within this many seconds; additions at once.
TTL = 300.0


def _stamp(model: type) -> tuple[object, ...]:
    from django.db.models import Count, Max

    found = model.objects.aggregate(n=Count("pk"), last=Max("pk"))  # type: ignore[attr-defined]
    return (found["n"], found["last"], int(time.monotonic() // TTL))


def _cached(name: str, stamp: tuple[object, ...], build: Callable[[], Gazetteer]) -> Gazetteer:
    with _lock:
        cached = _cache.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
    gazetteer = build()
    with _lock:
        _cache[name] = (stamp, gazetteer)
    return gazetteer


def institutions() -> Gazetteer:
    """The gazetteer of active institutions by their names, short names and aliases."""
    from vmeste.organizations.models import Organization

    def build() -> Gazetteer:
        rows = Organization.objects.filter(kind=Organization.Kind.INSTITUTION, is_active=True).only(
            "pk", "name", "short_name", "aliases"
        )
        return Gazetteer(
            [(o.pk, str(o), [o.name, o.short_name, *o.aliases.splitlines()]) for o in rows]
        )

    return _cached("institutions", _stamp(Organization), build)


def districts() -> Gazetteer:
    from vmeste.organizations.models import District

    def build() -> Gazetteer:
        return Gazetteer([(d.pk, d.name, [d.name]) for d in District.objects.only("pk", "name")])

    return _cached("districts", _stamp(District), build)


def surface_words(text: str) -> list[str]:
    """The words of ``text`` as written, aligned one to one with :func:`lemmas`."""
    from razdel import tokenize

    from vmeste.triage.text import _HAS_LETTER

    return [t.text for t in tokenize(text) if _HAS_LETTER.search(t.text.lower())]


def find_district(tokens: list[str], surface: list[str] | None = None) -> Match | None:
    """A district named next to «район» («в Заречном районе», «Ленинский р-н»).

    District names are ordinary adjectives («Центральный», «Северный»); alone they say nothing
    («центральный вход»), so the word «район» (or «р-н») must stand within two words.
    """
    gazetteer = districts()
    near = {i for i, w in enumerate(tokens) if w in {"район", "р-н", "рн"}}
    if not near:
        return None
    for pattern in gazetteer.patterns:
        for index, word in enumerate(tokens):
            if word == pattern.words[0] and any(abs(index - j) <= 2 for j in near):
                written = (
                    " ".join(surface[index : index + 2])
                    if surface is not None and len(surface) == len(tokens)
                    else f"{word} район"
                )
                return Match(pattern.target_id, pattern.label, written, 1.0)
    return None


def reset() -> None:
    with _lock:
        _cache.clear()
