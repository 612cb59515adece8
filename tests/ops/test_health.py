"""Readiness: /readyz says whether this instance can work, and why not; staff see the outbox
backlog and beat's last run in the admin."""

import socket
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal import health
from portal.models import Heartbeat, Notification
from portal.tasks import beat_heartbeat
from tests.conftest import make_staff


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def unsent(*, due_minutes_ago, key="x"):
    return Notification.objects.create(
        key=key,
        to="resident@example.org",
        language="fi",
        template="test",
        subject="Hei",
        body_text="Tervetuloa.",
        send_after=timezone.now() - timedelta(minutes=due_minutes_ago),
    )


@pytest.fixture(autouse=True)
def _recheck_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_liveness_and_readiness_answer_200_when_everything_works(client, db):
    assert client.get("/healthz").status_code == 200

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok", "outbox": "ok"},
    }


def test_readiness_turns_503_with_redis_unreachable_and_back_to_200_after(client, db, settings):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/8"):
        down = client.get("/readyz")
    back = client.get("/readyz")

    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert down.json()["checks"]["redis"] == "fail: redis unreachable"
    assert down.json()["checks"]["database"] == "ok"
    assert back.status_code == 200


def test_an_old_unsent_email_makes_the_instance_not_ready_a_fresh_one_does_not(client, db, settings):
    settings.READYZ_OUTBOX_MAX_AGE = 15 * 60
    unsent(due_minutes_ago=14, key="fresh")
    assert client.get("/readyz").status_code == 200

    unsent(due_minutes_ago=16, key="stale")
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["outbox"].startswith("fail: 2 unsent e-mail(s), the oldest due 9")


def test_unapplied_migrations_are_a_reason(client, db, monkeypatch):
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "fail: 1 unapplied migration(s)"


def test_the_beat_heartbeat_and_the_backlog_show_on_the_outbox_admin_page(client_for, db):
    client = client_for(make_staff(None, "root@city.example", superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("admin:portal_notification_changelist")
    assert "Beat has not run yet" in client.get(url).content.decode()

    beat_heartbeat.delay()
    unsent(due_minutes_ago=30)
    page = client.get(url).content.decode()

    assert Heartbeat.objects.get(name="beat").last_seen_at > timezone.now() - timedelta(minutes=1)
    assert "1 e-mail is due and unsent." in page
    assert "The oldest has waited 30 min." in page
    assert "Beat last ran" in page


def test_the_container_healthcheck_passes_over_plain_http_with_the_production_host_and_fails_when_not_ready(
    live_server, settings, monkeypatch
):
    from ops.healthcheck import main as healthcheck

    settings.ALLOWED_HOSTS = ["yhdistykset.pori.example"]
    settings.SECURE_SSL_REDIRECT = True
    monkeypatch.setenv("ALLOWED_HOSTS", "yhdistykset.pori.example,www.pori.example")
    monkeypatch.setenv("PORT", str(live_server.url.rsplit(":", 1)[1]))

    assert healthcheck("/readyz") == 0
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/8"
    assert healthcheck("/readyz") == 1
    assert healthcheck("/healthz") == 0


def _start_redis(port):
    """A real redis-server of our own on ``port`` (no disk), answering when this returns."""
    import subprocess
    import time

    import redis

    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    for _ in range(100):
        try:
            if client.ping():
                return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.skipif(not __import__("shutil").which("redis-server"), reason="needs redis-server")
def test_readiness_turns_503_when_the_redis_server_stops_and_200_when_it_is_back(client, db):
    port = closed_port()
    server = _start_redis(port)
    try:
        with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
            before = client.get("/readyz")
            server.terminate()  # the server stops (SIGTERM: a clean shutdown, as `systemctl stop` does)
            server.wait(timeout=10)
            stopped = client.get("/readyz")
            server = _start_redis(port)  # and comes back on the same address
            after = client.get("/readyz")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert before.status_code == 200
    assert stopped.status_code == 503
    assert stopped.json()["checks"]["redis"] == "fail: redis unreachable"
    assert after.status_code == 200 and after.json()["status"] == "ok"
