"""Background tasks of the core: sending e-mail outside the request."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def email_send(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, None, to)
