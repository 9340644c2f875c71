"""Masking personal data in text shown to the public.

Phones and e-mails are found by patterns; names of private persons by natasha's named-entity
recogniser (offline, its model ships inside the package). A person's name inside an organization's
name («музей имени Пушкина») stays, because the recogniser tags the whole phrase as an organization.
"""

from __future__ import annotations

import re
import threading
from typing import Any

PHONE_MASK = "[телефон скрыт]"
EMAIL_MASK = "[e-mail скрыт]"
NAME_MASK = "[имя скрыто]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(
    r"(?<![\w])(?:\+7|8|7)?[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?![\w])"
    r"|(?<![\w])\d{1,3}[\s\-]\d{2}[\s\-]\d{2}(?![\w\d])"
)
# «Иванов И. И.», «И.И. Иванов»: initials the recogniser may miss.
INITIALS = re.compile(
    r"\b[А-ЯЁ][а-яё]+(?:ой|ов|ев|ин|ын|ая|ий|ых|их|ко|ук|юк)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.|\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+"
)


def mask_contacts(text: str) -> str:
    text = EMAIL.sub(EMAIL_MASK, text)
    return PHONE.sub(PHONE_MASK, text)


class _Ner:
    _lock = threading.Lock()
    _loaded: tuple[Any, Any] | None = None

    @classmethod
    def get(cls) -> tuple[Any, Any]:
        with cls._lock:
            if cls._loaded is None:
                from natasha import NewsEmbedding, NewsNERTagger, Segmenter

                cls._loaded = (Segmenter(), NewsNERTagger(NewsEmbedding()))
            return cls._loaded


def person_spans(text: str) -> list[tuple[int, int]]:
    from natasha import Doc

    segmenter, tagger = _Ner.get()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(span.start, span.stop) for span in doc.spans if span.type == "PER"]


def location_spans(text: str) -> list[str]:
    """Places named in the text (natasha's LOC entities): streets, towns, squares."""
    from natasha import Doc

    segmenter, tagger = _Ner.get()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [span.text for span in doc.spans if span.type == "LOC"]


def mask_personal_data(text: str) -> str:
    """Contacts and names of private persons replaced by placeholders."""
    spans = person_spans(text)
    for match in INITIALS.finditer(text):
        spans.append((match.start(), match.end()))
    masked = text
    for start, stop in sorted(_merge(spans), reverse=True):
        masked = masked[:start] + NAME_MASK + masked[stop:]
    return mask_contacts(masked)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged
