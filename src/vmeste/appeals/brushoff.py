"""Does an answer look like a formal brush-off («отписка»)?

An advisory check for the supervisor who approves answers: it never blocks. The score adds up
explicit signs, each with a reason the supervisor sees:

* stock phrases that promise nothing («принято к сведению», «направлено по компетенции»,
  «по мере финансирования», «в установленном порядке», …) — 0.3 each, at most 0.6;
* no date or time limit («до 15 мая», «12.05.2026», «в течение 3 дней», «завтра») — 0.25;
* no action done or scheduled (no verb of a concrete deed: «отремонтировали», «заменим»,
  «установлен», «вернули», «провели», …) — 0.25;
* no number at all (no count, room, house, sum or date) — 0.1;
* shorter than 120 characters — 0.15.

At 0.5 or more the answer is flagged. The weights were set on the examples in
``tests/appeals/test_brushoff.py`` (formal replies and concrete ones written for the test): every
formal reply scores at least 0.55, every concrete one at most 0.25. See docs/appeals.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

THRESHOLD = 0.5

STOCK_PHRASES = [
    r"принят\w* к сведению",
    r"направлен\w* по компетенции",
    r"по мере (?:поступления )?финансирования",
    r"в установленном порядке",
    r"в плановом порядке",
    r"при наличии (?:финансовой )?возможности",
    r"рассмотр\w* возможност\w*",
    r"вед[её]тся работа",
    r"проводится работа",
    r"работа (?:будет )?(?:продолжена|ведется|ведётся)",
    r"вопрос (?:находится|будет рассмотрен|на контроле)",
    r"(?:взят\w*|поставлен\w*|находится) на контрол\w*",
    r"информаци\w* принят\w*",
    r"благодарим (?:вас )?за (?:ваше )?обращение",
    r"ваше обращение рассмотрено",
    r"будут приняты (?:необходимые )?меры",
    r"приняты (?:необходимые )?меры",
    r"в рамках (?:своей )?компетенции",
    r"оснований для .{0,30}не имеется",
]

ACTION_STEMS = [
    "отремонтир",
    "ремонт выполн",
    "заменил",
    "заменен",
    "заменён",
    "заменим",
    "установил",
    "установлен",
    "установим",
    "убрал",
    "убран",
    "уберём",
    "уберем",
    "вывез",
    "покрас",
    "провел",
    "провёл",
    "проведен",
    "проведён",
    "проведём",
    "проведем",
    "выполнил",
    "выполнен",
    "выполним",
    "исправил",
    "исправлен",
    "исправим",
    "восстановил",
    "восстановлен",
    "восстановим",
    "заключ",
    "закупил",
    "закуплен",
    "закупим",
    "вернул",
    "возвращ",
    "возврат",
    "открыл",
    "открыт",
    "откроем",
    "перенес",
    "перенёс",
    "добавил",
    "добавлен",
    "добавим",
    "обновил",
    "обновлен",
    "обновлён",
    "обновим",
    "починил",
    "отмыл",
    "очистил",
    "очищен",
    "смонтир",
    "демонтир",
    "провед",
    "назначен",
    "назначил",
    "объявлен",
    "выдан",
    "выдадим",
    "размещен",
    "размещён",
    "разместим",
    "изменил",
    "изменен",
    "изменён",
    "продлил",
    "продлен",
    "продлён",
    "приобрет",
    "оборудов",
    "поставлен",
    "поставим",
    "организов",
    "ответственн",
    "принесл",
    "извинил",
    "освещен",
    "освещён",
    "вымыл",
    "подключ",
    "настро",
    "отмен",
    "пересмотр",
]

_MONTHS = (
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма[яй]",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
)
DATE_PATTERNS = [
    r"\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b",
    r"\b\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\w*",
    r"\b(?:до|к|с|по)\s+(?:концу?\s+)?(?:" + "|".join(_MONTHS) + r")\w*",
    r"\bв течение\s+\S+\s+(?:дн|недел|час|месяц|рабоч)",
    r"\b(?:завтра|сегодня|послезавтра|на этой неделе|на следующей неделе|в понедельник|во вторник|"
    r"в среду|в четверг|в пятницу|в субботу|в воскресенье)\b",
    r"\b(?:20\d\d)\s*(?:год|г\.)",
    r"\bквартал",
    r"\b\d{1,2}:\d{2}\b",
]


@dataclass
class BrushoffResult:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def is_flagged(self) -> bool:
        return self.score >= THRESHOLD


REASON_TEXT = {
    "stock_phrase": _("stock phrase"),
    "no_date": _("no date or time limit"),
    "no_action": _("no concrete action"),
    "no_number": _("no numbers at all"),
    "too_short": _("very short"),
}


def reason_text(reason: str) -> str:
    code, _sep, detail = reason.partition(":")
    label = str(REASON_TEXT.get(code, code))
    return f"{label}: «{detail}»" if detail else label


def brushoff_check(text: str) -> BrushoffResult:
    lowered = text.lower().replace("ё", "е")
    reasons: list[str] = []
    score = 0.0
    found = [m.group(0) for p in STOCK_PHRASES if (m := re.search(p.replace("ё", "е"), lowered))]
    if found:
        score += min(0.6, 0.3 * len(found))
        reasons += [f"stock_phrase:{phrase}" for phrase in found]
    if not any(re.search(pattern, lowered) for pattern in DATE_PATTERNS):
        score += 0.25
        reasons.append("no_date")
    if not any(stem.replace("ё", "е") in lowered for stem in ACTION_STEMS):
        score += 0.25
        reasons.append("no_action")
    if not re.search(r"\d", lowered):
        score += 0.1
        reasons.append("no_number")
    if len(text.strip()) < 120:
        score += 0.15
        reasons.append("too_short")
    return BrushoffResult(score=round(min(score, 1.0), 2), reasons=reasons)
