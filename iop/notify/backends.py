"""Built-in message backends: a readable, keyed outbox on disk, and a console SMS backend."""

import os
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

KEY_HEADER = "X-IOP-Delivery"


def _write_once(directory, key, text):
    """Write `text` to <directory>/<key>; False (and nothing written) if the key was sent."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key}.txt"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    with open(directory / "sent.log", "a", encoding="utf-8") as log:
        log.write(f"{key}\n")
    return True


class OutboxEmailBackend(BaseEmailBackend):
    """E-mail written to EMAIL_FILE_PATH/email, one readable file per message.

    A message with an X-IOP-Delivery header is written once per key; one without gets a
    fresh name.
    """

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            key = message.extra_headers.get(KEY_HEADER) or os.urandom(8).hex()
            text = message.message().as_string()
            if _write_once(Path(settings.EMAIL_FILE_PATH) / "email", key, text):
                sent += 1
        return sent


class FileSMSBackend:
    """Text messages written to SMS_FILE_PATH, one file per message key (the default)."""

    def send(self, *, to, body, key):
        return _write_once(settings.SMS_FILE_PATH, key, f"To: {to}\n\n{body}\n")


class ConsoleSMSBackend:
    """Text messages printed to the worker's log (for development)."""

    def send(self, *, to, body, key):
        print(f"SMS {key} to {to}: {body}", flush=True)  # noqa: T201
        return True
