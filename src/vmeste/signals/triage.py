"""Triage of signals: what it is, what about, where, how urgent, and whether we already have it.

Each step leaves its reasons next to its answer, so that the operator sees *why* the machine
suggests a category or a duplicate and can overrule it (the correction becomes a training label).

- kind and urgency: lemma lexicons (a complaint says «не работает», thanks say «спасибо»); the
  words that decided are the reasons;
- category and responsible organization: the newest trained classifiers (:mod:`.learning`), top
  three with confidences; without a model, the routing rules from the mentioned institution;
- institution and district: :mod:`.places` gazetteers through Russian inflection;
- address: a street pattern, else natasha's location entities;
- near-duplicates: sentence embeddings (:mod:`.embedding`) against open signals and appeals of the
  last 30 days, combined with institution, place and time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from vmeste.core import clock
from vmeste.triage.text import clean_text, lemmas

from . import embedding, learning, places
from .models import AppealEmbedding, Kind, Signal, Urgency

RULES_VERSION = "rules-2026.12"
DUPLICATE_WINDOW = dt.timedelta(days=30)
DUPLICATE_THRESHOLD = 0.58
# Below this the texts say different things, whatever the place: paraphrases of one complaint
# score 0.53 and more with USE, «the same problem elsewhere» 0.22–0.47 (libraries.md).
SIMILARITY_FLOOR = 0.52
CANDIDATES = 400

# Lemmas (and two-word lemma phrases) that mark each kind; weights say how strongly.
KIND_WORDS: dict[str, dict[str, float]] = {
    Kind.THANKS: {
        "спасибо": 2,
        "благодарить": 2,
        "благодарность": 2,
        "признательный": 2,
        "молодец": 1.5,
        "замечательный": 1,
        "отличный": 1,
        "понравиться": 1,
    },
    Kind.QUESTION: {
        "подсказать": 2,
        "подскажите": 2,
        "когда": 1,
        "сколько": 1,
        "где": 1,
        "можно ли": 1.5,
        "как": 0.5,
        "ли": 0.5,
        "узнать": 1,
        "работать ли": 1.5,
    },
    Kind.SUGGESTION: {
        "предлагать": 2,
        "предложение": 2,
        "хотеться бы": 1.5,
        "было бы": 1,
        "стоить бы": 1,
        "давайте": 1.5,
        "добавить": 1,
        "организовать": 1,
        "сделать бы": 1.5,
        "почему бы": 1.5,
    },
    Kind.COMPLAINT: {
        "не работать": 2,
        "жалоба": 2,
        "безобразие": 2,
        "сломать": 2,
        "сломаться": 2,
        "грязь": 1.5,
        "грязно": 1.5,
        "мусор": 1.5,
        "протекать": 2,
        "течь": 1.5,
        "холодно": 1.5,
        "хамство": 2,
        "грубить": 2,
        "нахамить": 2,
        "отсутствовать": 1,
        "невозможно": 1.5,
        "ужасный": 1.5,
        "плохо": 1,
        "опасный": 1,
        "разбить": 1.5,
        "не убирать": 2,
        "не отвечать": 2,
        "закрыть": 0.5,
        "отменить": 1,
        "вернуть деньги": 2,
        "нет": 0.5,
        "яма": 1.5,
        "проблема": 1,
        "не горит": 1.5,
        "не гореть": 1.5,
        "сколько можно": 2,
    },
    Kind.NOISE: {
        "подписаться": 2,
        "подписываться": 2,
        "скидка": 2,
        "розыгрыш": 2,
        "заработок": 2,
        "казино": 3,
        "реклама": 2,
        "репост": 1.5,
        "продать": 1.5,
        "кредит": 1.5,
    },
}
URGENT_WORDS = {
    "срочно": 2,
    "опасно": 2,
    "опасный": 1,
    "угроза": 2,
    "авария": 2,
    "аварийный": 2,
    "пожар": 3,
    "дым": 2,
    "травма": 2,
    "упасть": 1,
    "обрушение": 3,
    "обрушиться": 3,
    "обвалиться": 3,
    "затопить": 2,
    "прорыв": 2,
    "искрить": 3,
    "провод": 1,
    "газ": 1.5,
    "помогите": 1,
    "ребёнок": 0.5,
    "ребенок": 0.5,
}
STREET = re.compile(
    r"(?:ул\.|улиц[аеуы]|пр-т|просп\.|проспект[аеу]?|пер\.|переул[а-я]*|пл\.|площад[ьи]|"
    r"наб\.|набережн[а-я]+|бульвар[аеу]?|б-р|ш\.|шоссе)\s*[А-ЯЁ0-9][\w.-]*(?:\s+[А-ЯЁ][\w-]*)?"
    r"(?:,?\s*(?:д\.|дом)?\s*\d+[а-яА-Я]?)?",
)


@dataclass
class Suggestion:
    id: int
    name: str
    confidence: float
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "confidence": round(self.confidence, 3),
            "reasons": self.reasons,
        }


@dataclass
class Analysis:
    clean_text: str
    kind: str
    kind_confidence: float
    kind_reasons: list[str]
    urgency: int
    urgency_reasons: list[str]
    categories: list[Suggestion]
    organizations: list[Suggestion]
    institution: places.Match | None
    district: places.Match | None
    address: str
    model_version: str
    vector: np.ndarray | None = None

    @property
    def priority(self) -> int:
        weight = {
            Kind.COMPLAINT: 5,
            Kind.QUESTION: 3,
            Kind.SUGGESTION: 2,
            Kind.THANKS: 1,
            Kind.NOISE: 0,
        }[Kind(self.kind)]
        return self.urgency * 10 + weight + (1 if self.institution else 0)


def _phrases(tokens: list[str]) -> set[str]:
    found = set(tokens)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return found


def classify_kind(text: str, tokens: list[str]) -> tuple[str, float, list[str]]:
    """The kind by weighted lexicon hits; a question mark counts for a question."""
    words = _phrases(tokens)
    letters = sum(1 for w in tokens if w.isalpha())
    if letters < 3:
        return Kind.NOISE, 0.9, [_("too short to be about anything")]
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    for kind, lexicon in KIND_WORDS.items():
        for word, weight in lexicon.items():
            if word in words:
                scores[kind] = scores.get(kind, 0) + weight
                hits.setdefault(kind, []).append(word)
    urgent = [w for w in URGENT_WORDS if w in words and URGENT_WORDS[w] >= 2]
    if urgent:
        scores[Kind.COMPLAINT] = scores.get(Kind.COMPLAINT, 0) + 2
        hits.setdefault(Kind.COMPLAINT, []).extend(urgent)
    if "?" in text:
        scores[Kind.QUESTION] = scores.get(Kind.QUESTION, 0) + 1.5
        hits.setdefault(Kind.QUESTION, []).append("?")
    if not scores:
        # Most posts that reach an official page without any marker are complaints in disguise.
        return Kind.COMPLAINT, 0.3, [_("no marker words; treated as a complaint")]
    kind = max(scores, key=lambda k: (scores[k], k == Kind.COMPLAINT))
    confidence = scores[kind] / (sum(scores.values()) + 1)
    return kind, round(min(confidence + 0.2, 0.99), 3), hits[kind]


def classify_urgency(tokens: list[str], kind: str) -> tuple[int, list[str]]:
    hits = [word for word in URGENT_WORDS if word in set(tokens)]
    score = sum(URGENT_WORDS[w] for w in hits)
    if score >= 2:
        return Urgency.HIGH, hits
    if kind == Kind.COMPLAINT:
        return Urgency.NORMAL, hits
    return Urgency.LOW, hits


def find_address(text: str) -> str:
    """A street address by pattern («ул. Ленина, 12»), else the places natasha recognises."""
    match = STREET.search(text)
    if match:
        return match.group(0).strip(" ,.")[:300]
    if not settings.VMESTE_TRIAGE_NER:
        return ""
    from vmeste.appeals.masking import location_spans

    return ", ".join(dict.fromkeys(location_spans(text)))[:300]


# Words too common to explain anything to an operator.
STOP = {"у", "в", "на", "и", "не", "с", "по", "за", "к", "о", "от", "до", "из", "что", "это", "как"}


def _readable(reasons: list[str]) -> list[str]:
    """Reasons an operator can read: no prepositions, no bare fragments."""
    kept = []
    for reason in reasons:
        words = [w for w in reason.split() if w not in STOP]
        if words and max(len(w) for w in words) >= 3 and reason not in kept:
            kept.append(reason)
    return kept


def _suggest(target: str, texts: list[str]) -> tuple[list[list[Suggestion]], str]:
    """Top-3 suggestions per text from the newest trained model of ``target`` (slugs → rows)."""
    from vmeste.appeals.models import Category
    from vmeste.organizations.models import Organization

    model = learning.current(target)
    if model is None:
        return [[] for _ in texts], ""
    tops = model.top(texts, k=3)
    slugs = {label for top in tops for label, _ in top}
    queryset: Any = (
        Category.objects.filter(is_active=True)
        if target == "category"
        else Organization.objects.filter(is_active=True)
    )
    rows = {row.slug: row for row in queryset.filter(slug__in=slugs)}
    # Reasons for the first suggestion only, the features built once for the batch.
    explained = model.reasons_many(texts, [top[0][0] if top else "" for top in tops], n=8)
    result = []
    for top, first in zip(tops, explained, strict=True):
        suggestions = []
        for rank, (label, confidence) in enumerate(top):
            row = rows.get(label)
            if row is None:
                continue
            reasons = _readable(first)[:5] if rank == 0 else []
            suggestions.append(Suggestion(row.pk, str(row), float(confidence), reasons))
        result.append(suggestions)
    return result, model.version


def _routed_first(
    institution: Any,
    mentioned: places.Match,
    district: places.Match | None,
    categories: list[Suggestion],
    suggested: list[Suggestion],
) -> list[Suggestion]:
    """The organization the routing rules name for the mentioned institution goes first.

    The rules know who answers for an institution in a category (the institution itself, or its
    department); without a suggested category, the institution is the best guess.
    """
    from vmeste.appeals.models import Category
    from vmeste.appeals.routing import appeal_route
    from vmeste.organizations.models import District

    category = Category.objects.filter(pk=categories[0].id).first() if categories else None
    routed = (
        appeal_route(
            category=category,
            district=District.objects.filter(pk=district.target_id).first() if district else None,
            institution=institution,
        )
        if category is not None
        else institution
    )
    if routed is None or (suggested and suggested[0].id == routed.pk):
        return suggested
    first = Suggestion(
        routed.pk,
        str(routed),
        max(0.6, suggested[0].confidence if suggested else 0),
        [_("institution mentioned: «%(phrase)s»") % {"phrase": mentioned.phrase}],
    )
    return [first, *[s for s in suggested if s.id != routed.pk]][:3]


def analyse(texts: Sequence[str], *, embed: bool = True) -> list[Analysis]:
    """Triage a batch of texts; reads the directory, writes nothing. Batching is much faster."""
    from vmeste.organizations.models import Organization

    cleaned = [clean_text(t) for t in texts]
    tokens = [lemmas(t) for t in cleaned]
    categories, category_version = _suggest("category", cleaned)
    organizations, organization_version = _suggest("organization", cleaned)
    institutions = places.institutions()
    vectors = embedding.embedder().encode(cleaned) if embed else None
    results = []
    for index, text in enumerate(cleaned):
        words = tokens[index]
        written = places.surface_words(text)
        kind, confidence, kind_reasons = classify_kind(text, words)
        urgency, urgency_reasons = classify_urgency(words, kind)
        found = institutions.find(text, tokens=words, surface=written)
        institution = found[0] if found else None
        district = places.find_district(words, written)
        suggested_orgs = list(organizations[index])
        if institution is not None:
            place = (
                Organization.objects.select_related("district")
                .filter(pk=institution.target_id)
                .first()
            )
            if place is not None:
                if district is None and place.district is not None:
                    district = places.Match(
                        place.district.pk, place.district.name, institution.phrase, 0.5
                    )
                suggested_orgs = _routed_first(
                    place, institution, district, categories[index], suggested_orgs
                )
        version = "+".join(v for v in (RULES_VERSION, category_version, organization_version) if v)
        results.append(
            Analysis(
                clean_text=text,
                kind=kind,
                kind_confidence=confidence,
                kind_reasons=kind_reasons,
                urgency=urgency,
                urgency_reasons=urgency_reasons,
                categories=categories[index],
                organizations=suggested_orgs,
                institution=institution,
                district=district,
                address=find_address(text),
                model_version=f"{version}+{embedding.NAME}" if embed else version,
                vector=vectors[index] if vectors is not None else None,
            )
        )
    return results


def triage_texts(texts: list[str]) -> list[Analysis]:
    """The batch entry point used by the benchmark and the bulk command."""
    return analyse(texts)


def _appeal_vectors(appeals: list[Any]) -> dict[int, np.ndarray]:
    """Embeddings of the candidate appeals, computing and keeping the missing ones in a batch."""
    ids = [a.pk for a in appeals]
    known = {
        row.appeal_id: embedding.from_bytes(row.vector)
        for row in AppealEmbedding.objects.filter(appeal_id__in=ids, model=embedding.NAME)
    }
    missing = [a for a in appeals if a.pk not in known]
    if missing:
        vectors = embedding.embedder().encode([clean_text(a.text) for a in missing])
        rows = []
        for appeal, vector in zip(missing, vectors, strict=True):
            known[appeal.pk] = vector
            rows.append(
                AppealEmbedding(
                    appeal_id=appeal.pk, vector=embedding.to_bytes(vector), model=embedding.NAME
                )
            )
        AppealEmbedding.objects.bulk_create(rows, ignore_conflicts=True)
    return known


def find_duplicates(signal: Signal, vector: np.ndarray) -> list[dict[str, Any]]:
    """Open signals and recent appeals that say the same, best first, with why."""
    from vmeste.appeals.models import Appeal, Status

    since = signal.received_at - DUPLICATE_WINDOW
    others = list(
        Signal.objects.filter(
            received_at__gte=since,
            status__in=[Signal.Status.NEW, Signal.Status.TRIAGED, Signal.Status.APPEAL],
            embedding__isnull=False,
        )
        .exclude(pk=signal.pk)
        .only("pk", "embedding", "institution_id", "district_id", "received_at", "clean_text")
        .order_by("-received_at")[:CANDIDATES]
    )
    appeals = list(
        Appeal.objects.filter(created_at__gte=since)
        .exclude(status__in=[Status.REJECTED, Status.RETURNED])
        .only("pk", "number", "text", "institution_id", "district_id", "created_at")
        .order_by("-created_at")[:CANDIDATES]
    )
    appeal_vectors = _appeal_vectors(appeals) if appeals else {}
    found = []

    def score(other_vector: np.ndarray, institution_id: Any, district_id: Any, when: Any) -> tuple:
        similarity = float(np.dot(vector, other_vector))
        if similarity < SIMILARITY_FLOOR:
            return 0.0, []
        reasons = [_("similar text (%(value).2f)") % {"value": similarity}]
        combined = similarity
        if signal.institution_id and institution_id:
            if signal.institution_id == institution_id:
                combined += 0.1
                reasons.append(_("same institution"))
            else:
                combined -= 0.15
        if signal.district_id and district_id:
            if signal.district_id == district_id:
                combined += 0.05
                reasons.append(_("same district"))
            else:
                combined -= 0.1
        days = abs((signal.received_at - when).total_seconds()) / 86400
        combined -= 0.1 * min(days, 30) / 30
        return combined, reasons

    for other in others:
        combined, reasons = score(
            embedding.from_bytes(other.embedding),
            other.institution_id,
            other.district_id,
            other.received_at,
        )
        if combined >= DUPLICATE_THRESHOLD:
            found.append(
                {
                    "type": "signal",
                    "id": other.pk,
                    "label": other.clean_text[:80],
                    "score": round(min(combined, 1.0), 3),
                    "reasons": reasons,
                }
            )
    for appeal in appeals:
        combined, reasons = score(
            appeal_vectors[appeal.pk], appeal.institution_id, appeal.district_id, appeal.created_at
        )
        if combined >= DUPLICATE_THRESHOLD:
            found.append(
                {
                    "type": "appeal",
                    "id": appeal.pk,
                    "label": appeal.number,
                    "score": round(min(combined, 1.0), 3),
                    "reasons": reasons,
                }
            )
    found.sort(key=lambda d: -d["score"])
    return found[:5]


def triage_signals(signal_ids: Sequence[int]) -> int:
    """Triage the given signals in one batch and store the results; returns how many."""
    signals = list(Signal.objects.filter(pk__in=signal_ids).select_related("source"))
    if not signals:
        return 0
    # Reasons are stored as text: in the site's language, whoever (or whichever worker) triages.
    with translation.override(settings.LANGUAGE_CODE):
        results = analyse([s.text for s in signals])
    now = clock.now()
    for signal, result in zip(signals, results, strict=True):
        with transaction.atomic():
            locked = Signal.objects.select_for_update().get(pk=signal.pk)
            locked.clean_text = result.clean_text
            locked.kind = result.kind
            locked.kind_confidence = result.kind_confidence
            locked.urgency = result.urgency
            locked.priority = result.priority
            locked.category_id = result.categories[0].id if result.categories else None
            locked.organization_id = result.organizations[0].id if result.organizations else None
            locked.institution_id = result.institution.target_id if result.institution else None
            locked.district_id = result.district.target_id if result.district else None
            locked.address = result.address
            locked.suggestions = {
                "categories": [s.as_json() for s in result.categories],
                "organizations": [s.as_json() for s in result.organizations],
            }
            locked.reasons = {
                "kind": result.kind_reasons,
                "urgency": result.urgency_reasons,
                "institution": result.institution.phrase if result.institution else "",
                "district": result.district.phrase if result.district else "",
            }
            if result.vector is not None:
                locked.embedding = embedding.to_bytes(result.vector)
                locked.duplicates = find_duplicates(locked, result.vector)
            locked.model_version = result.model_version
            locked.triaged_at = now
            if locked.status == Signal.Status.NEW:
                locked.status = Signal.Status.TRIAGED
            locked.save()
    return len(signals)
