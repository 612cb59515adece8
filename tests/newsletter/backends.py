"""E-mail backends that behave like an SMTP server in trouble, for the sending tests."""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction


class CountingBackend(EmailBackend):
    """locmem, counting connections opened (one per batch is the point)."""

    opened = 0
    lock = threading.Lock()

    def open(self):
        with CountingBackend.lock:
            CountingBackend.opened += 1
        return True


class RefusingBackend(EmailBackend):
    """Refuses recipients whose address starts with "refused" (550) or "busy" (452)."""

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address.startswith("refused"):
                raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})
            if address.startswith("busy"):
                raise smtplib.SMTPRecipientsRefused({address: (452, b"4.2.2 Mailbox full")})
        return super().send_messages(messages)


class DyingBackend(EmailBackend):
    """The server goes away after ``survive`` messages."""

    survive = 2
    sent = 0

    def send_messages(self, messages):
        if DyingBackend.sent >= DyingBackend.survive:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        DyingBackend.sent += len(messages)
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """Takes a little time per message, so two workers really overlap."""

    def send_messages(self, messages):
        time.sleep(0.003)
        return super().send_messages(messages)


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


class CommitModeBackend(EmailBackend):
    """Notes PostgreSQL's synchronous_commit while each message is sent and just after its commit."""

    during = []
    after_commit = []

    def send_messages(self, messages):
        CommitModeBackend.during.append(synchronous_commit())
        transaction.on_commit(lambda: CommitModeBackend.after_commit.append(synchronous_commit()))
        return super().send_messages(messages)
