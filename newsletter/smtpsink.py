"""A local SMTP sink that counts what it accepts: for the sending benchmark and the crash test.

Runs aiosmtpd (a development dependency) in a thread (``start_sink``) or as its own process
(``python -m newsletter.smtpsink --port N``; it prints its counts as JSON when terminated).

The sink can also *hold* the conversation: with ``hold_after = n``, once n messages are in, every
new MAIL command waits until ``released`` is set. A test then knows that each open connection
is between two messages, with everything accepted so far acknowledged to the client, and can
kill the sending worker at that moment.
"""

import argparse
import asyncio
import json
import logging
import signal
import socket
import sys
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class CountingHandler:
    def __init__(self, *, keep_messages=False):
        self.lock = threading.Lock()
        self.count = 0
        self.recipients = Counter()
        self.keep_messages = keep_messages
        self.messages = []
        self.open_sessions = 0
        self.hold_after = None
        self.held = 0
        self.released = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's hook name
        if self.hold_after is not None and self.count >= self.hold_after and not self.released.is_set():
            with self.lock:
                self.held += 1
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            with self.lock:
                self.held -= 1
            return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.count += 1
            for recipient in envelope.rcpt_tos:
                self.recipients[recipient.lower()] += 1
            if self.keep_messages:
                self.messages.append(envelope.original_content)
        return "250 2.0.0 OK: queued"

    def stats(self):
        with self.lock:
            return {
                "messages": self.count,
                "recipients": len(self.recipients),
                "repeated": sum(1 for n in self.recipients.values() if n > 1),
            }


class _TrackingSMTP(SMTP):
    """Counts open connections, so a test can tell when every one of them is held."""

    def connection_made(self, transport):
        with self.event_handler.lock:
            self.event_handler.open_sessions += 1
        super().connection_made(transport)

    def connection_lost(self, error):
        with self.event_handler.lock:
            self.event_handler.open_sessions -= 1
        super().connection_lost(error)


class SinkController(Controller):
    def factory(self):
        return _TrackingSMTP(self.handler, **self.SMTP_kwargs)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(*, port=None, keep_messages=False):
    """Start a sink in a thread; returns (controller, handler). Stop it with controller.stop()."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    handler = CountingHandler(keep_messages=keep_messages)
    controller = SinkController(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller, handler


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    controller, handler = start_sink(port=args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    sys.stdout.write(json.dumps(handler.stats()) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
