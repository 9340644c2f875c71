from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from vmeste.core import clock


@task()
def notification_email(*, notification_id: int) -> bool:
    from .models import Notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.user.is_active:
        return False
    link = (
        settings.SITE_URL + notification.url
        if notification.url.startswith("/")
        else notification.url
    )
    body = "\n\n".join(part for part in [notification.body, link] if part)
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.title}",
        body,
        None,
        [notification.user.email],
    )
    Notification.objects.filter(pk=notification_id).update(emailed_at=clock.now())
    return True
