from __future__ import annotations

from django_tasks import task


@task()
def appeal_mask_text(*, appeal_id: int) -> bool:
    """Mask names of private persons in the public text (natasha), on top of contact masking."""
    from .masking import mask_personal_data
    from .models import Appeal

    appeal = Appeal.objects.filter(pk=appeal_id).only("text").first()
    if appeal is None:
        return False
    masked = mask_personal_data(appeal.text)
    # Only if the text did not change meanwhile (the author may have resubmitted).
    return bool(
        Appeal.objects.filter(pk=appeal_id, text=appeal.text).update(
            public_text=masked, is_masked_by_ner=True
        )
    )
