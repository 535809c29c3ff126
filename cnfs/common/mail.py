"""E-mails go through the task queue and leave only once the transaction has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_email_task(to: list[str], subject: str, body: str):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def render_email(template: str, context: dict) -> tuple[str, str]:
    """Render ``template``: its first line is the subject, the rest the body."""
    text = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_email_after_commit(to: str | list[str], subject: str, body: str):
    recipients = [to] if isinstance(to, str) else list(to)
    transaction.on_commit(lambda: send_email_task.enqueue(recipients, subject, body))


def send_templated_email(to: str | list[str], template: str, context: dict):
    """Render ``template`` (first line: subject) and queue it after commit."""
    send_email_after_commit(to, *render_email(template, context))
