"""The development mailbox: in ``make run`` (DEBUG), sent e-mails are kept as files in
``DEV_MAILBOX_DIR`` and read at /dev/courriels/ (also printed in the console)."""

import uuid
from email import message_from_bytes, policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


def mailbox_dir() -> Path:
    return Path(settings.DEV_MAILBOX_DIR)


class MailboxBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:6]}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return super().send_messages(email_messages)


def messages(limit=200):
    """The kept e-mails, newest first: (name, parsed message)."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [(f.stem, message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files]


def message(name: str):
    path = mailbox_dir() / f"{name}.eml"
    if "/" in name or not path.is_file():
        return None
    return message_from_bytes(path.read_bytes(), policy=policy.default)
