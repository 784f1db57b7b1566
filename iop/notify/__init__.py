"""Outgoing messages to patients: e-mail through Django's backend, SMS through a pluggable one.

Every message carries an idempotency key (the reminder delivery's id), the same on every
attempt. A job that dies while a backend is being called sends that one message again after
the crash; the key lets whoever receives it fold the second copy:
- e-mail carries it as its `Message-ID` (`<key@domain>`, the domain of DEFAULT_FROM_EMAIL), which
  mail clients and archives use to drop a duplicate, and in the X-IOP-Delivery header;
- an SMS backend is called as `send(*, to, body, key)`; one for a provider whose API takes an
  idempotency key passes `key` to it.
The built-in backends (the readable outbox for e-mail, the file and console SMS backends)
deliver a key at most once.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.utils.module_loading import import_string

from iop.notify.backends import KEY_HEADER


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()


def message_id(key):
    """The RFC 5322 Message-ID of the e-mail with idempotency key `key`: `<key@domain>`."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or str(DNS_NAME)
    return f"<{key}@{domain}>"


def keyed_email(*, to, subject, body, key):
    return EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={KEY_HEADER: key, "Message-ID": message_id(key)},
    )


class Sender:
    """One job run's way out: the SMS backend and one e-mail connection, used message after
    message. `send` raises whatever the backend raises (the caller retries)."""

    def __init__(self):
        self.sms = get_sms_backend()
        self.email = get_connection()

    def send(self, *, channel, to, subject, body, key):
        if channel == "sms":
            self.sms.send(to=to, body=body, key=key)
        else:
            self.email.send_messages([keyed_email(to=to, subject=subject, body=body, key=key)])
