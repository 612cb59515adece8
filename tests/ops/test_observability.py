"""Errors and logs: every request has an id that is on its log lines, its response and the 500
page; production logs are JSON lines; error reports carry no personal data."""

import json
import logging
import logging.config
from io import StringIO

import pytest
from celery import shared_task
from celery.signals import before_task_publish
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from pythonjsonlogger.json import JsonFormatter

from portal import observability
from portal.observability import RequestIdFilter, scrub_event


@pytest.fixture
def json_log():
    """The production formatter (settings.LOGGING's "json") on Django's request logger."""
    stream = StringIO()
    config = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**config))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_response_carries_a_new_request_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept_only_if_it_is_a_safe_token(client, db):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-3f2a9c1d7e")["X-Request-ID"]
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    too_long = client.get("/healthz", HTTP_X_REQUEST_ID="a" * 200)["X-Request-ID"]

    assert kept == "nginx-3f2a9c1d7e"
    assert "<" not in replaced and len(replaced) == 32
    assert len(too_long) == 32


def test_production_log_lines_are_json_with_the_request_id(client, db, json_log):
    response = client.get("/fi/no-such-page/", HTTP_X_REQUEST_ID="trace-12345678")

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert response.status_code == 404
    assert lines[-1]["request_id"] == "trace-12345678"
    assert lines[-1]["level"] == "WARNING" and lines[-1]["logger"] == "django.request"
    assert "/fi/no-such-page/" in lines[-1]["message"] and lines[-1]["time"]


def test_every_log_line_passes_the_request_id_filter():
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    assert settings.LOGGING["formatters"]["json"]["()"] == "pythonjsonlogger.json.JsonFormatter"


@override_settings(ROOT_URLCONF="tests.ops.urls_boom")
def test_the_500_page_shows_the_request_id_that_is_in_the_log(client, db, json_log):
    client.raise_request_exception = False

    response = client.get("/boom", HTTP_X_REQUEST_ID="resident-report-42", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert '<code id="request-id">resident-report-42</code>' in page
    error = json.loads(json_log.getvalue().splitlines()[-1])
    assert error["request_id"] == "resident-report-42" and error["level"] == "ERROR"


def test_error_reports_mask_emails_tokens_cookies_and_the_user():
    event = {
        "message": "Could not mail resident@example.org",
        "user": {"email": "resident@example.org", "ip_address": "192.0.2.1"},
        "request": {
            "url": "https://portal.example/fi/newsletter/confirm/MTI:1vHj2k:Zq8bYx3T7mWlQe4RrP0sNc9UaDf/",
            "query_string": "token=abc123def&page=2",
            "cookies": {"sessionid": "s3cr3t"},
            "data": {"email": "resident@example.org"},
            "headers": {"Cookie": "sessionid=s3cr3t", "User-Agent": "Firefox", "X-Request-ID": "abc"},
        },
        "exception": {
            "values": [
                {
                    "type": "SMTPRecipientsRefused",
                    "value": "{'resident@example.org': (550, b'unknown')}",
                    "stacktrace": {
                        "frames": [{"function": "send_due", "module": "portal.outbox", "vars": {"to": "a@b.fi"}}]
                    },
                }
            ]
        },
        "tags": {"request_id": "resident-report-42"},
    }

    sent = json.dumps(scrub_event(event))

    assert "@example.org" not in sent and "a@b.fi" not in sent
    assert "s3cr3t" not in sent and "abc123def" not in sent
    assert "Zq8bYx3T7mWlQe4RrP0sNc9UaDf" not in sent
    assert '"user"' not in sent
    assert "send_due" in sent and "portal.outbox" in sent and "Firefox" in sent
    assert "resident-report-42" in sent


def test_sentry_is_set_up_without_personal_data_when_a_dsn_is_given(monkeypatch):
    import sentry_sdk

    seen = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: seen.update(options))

    observability.init_sentry(dsn="https://key@sentry.example/1", environment="production")

    assert seen["send_default_pii"] is False
    assert seen["before_send"] is scrub_event
    assert {type(i).__name__ for i in seen["integrations"]} == {"DjangoIntegration", "CeleryIntegration"}


def test_gunicorns_access_lines_are_json_with_the_request_id(tmp_path):
    import runpy

    conf = runpy.run_path(str(settings.BASE_DIR / "ops" / "gunicorn.conf.py"))
    gunicorn_only = {key: value for key, value in conf["logconfig_dict"].items() if key != "root"}
    logging.config.dictConfig(gunicorn_only)
    stream = StringIO()
    access = logging.getLogger("gunicorn.access")
    access.handlers[0].stream = stream
    atoms = {"h": "10.0.0.2", "m": "GET", "U": "/fi/", "q": "token=secret", "s": "200", "B": "5120"}
    atoms |= {"D": "15300", "{x-request-id}o": "resident-report-42"}

    from gunicorn.glogging import SafeAtoms

    access.info(conf["access_log_format"], SafeAtoms(atoms))

    line = json.loads(stream.getvalue())
    assert line["request_id"] == "resident-report-42" and line["time"]
    assert (line["method"], line["path"], line["status"], line["duration_ms"]) == ("GET", "/fi/", "200", 15.3)
    assert "secret" not in stream.getvalue()


# --- Celery tasks carry the request id -------------------------------------------------------

task_log = logging.getLogger("tests.ops.task")


@shared_task
def log_from_a_task():
    task_log.info("working on it")


@pytest.fixture
def task_json_log():
    """The production JSON formatter with the request-id filter on the task's logger."""
    stream = StringIO()
    config = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**config))
    handler.addFilter(RequestIdFilter())
    task_log.addHandler(handler)
    task_log.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    task_log.removeHandler(handler)


def test_a_task_enqueued_during_a_request_logs_the_requests_id(rf, task_json_log):
    def view(request):
        log_from_a_task.delay()  # eager in the tests: runs here, in the request
        return HttpResponse("ok")

    middleware = observability.RequestIdMiddleware(view)
    response = middleware(rf.get("/", HTTP_X_REQUEST_ID="trace-task-1234"))

    assert response["X-Request-ID"] == "trace-task-1234"
    assert [(line["message"], line["request_id"]) for line in task_json_log()] == [("working on it", "trace-task-1234")]


def test_the_published_message_carries_the_id_and_the_worker_sets_it_for_the_task(task_json_log):
    headers = {}
    token = observability.request_id_var.set("trace-publish-99")
    try:
        before_task_publish.send(sender="tests.ops.task", headers=headers, body=None, exchange="", routing_key="")
    finally:
        observability.request_id_var.reset(token)
    assert headers == {"request_id": "trace-publish-99"}

    # In the worker there is no request: the id comes from the message's header, and is gone after.
    log_from_a_task.apply(headers=headers)

    assert task_json_log()[-1]["request_id"] == "trace-publish-99"
    assert observability.request_id_var.get() == "-"


def test_a_header_that_is_not_a_safe_token_is_ignored(task_json_log):
    log_from_a_task.apply(headers={"request_id": "<script>"})

    assert task_json_log()[-1]["request_id"] == "-"
