"""What the appeals service contributes to "download my data" and to account deletion."""

from __future__ import annotations

from typing import Any

from vmeste.accounts.services import register_anonymizer, register_data_section

from .masking import mask_personal_data
from .models import Appeal


def _appeals(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "number": appeal.number,
            "category": str(appeal.category),
            "status": appeal.status,
            "text": appeal.text,
            "address": appeal.address,
            "created_at": appeal.created_at.isoformat(),
            "answers": [answer.text for answer in appeal.answers.filter(state="approved")],
        }
        for appeal in Appeal.objects.filter(author=user)
        .select_related("category")
        .prefetch_related("answers")
    ]


def _anonymize(user: Any) -> None:
    # The appeals stay (their answers and counters matter to everyone); what identifies the author goes.
    for appeal in Appeal.objects.filter(author=user):
        appeal.text = mask_personal_data(appeal.text)
        appeal.public_text = appeal.text
        appeal.contact_phone = ""
        appeal.idempotency_key = ""
        appeal.save(update_fields=["text", "public_text", "contact_phone", "idempotency_key"])


register_data_section("appeals", _appeals)
register_anonymizer(_anonymize)
