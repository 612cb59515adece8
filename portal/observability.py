"""Errors and logs: a request id on every request, log line and error report; JSON log lines;
optional Sentry with personal data scrubbed.

- ``RequestIdMiddleware`` (first in ``MIDDLEWARE``) gives each request an id: the incoming
  ``X-Request-ID`` when it is a safe token (the proxy's, so its log and ours match), otherwise a
  new one. It is on ``request.request_id``, in the ``X-Request-ID`` response header, on every log
  record (``RequestIdFilter``), as the ``request_id`` tag of a Sentry event, and on the 500 page,
  so a resident who reports an error can quote it and staff can find the log lines. A Celery
  task enqueued during the request carries the id in its ``request_id`` header
  (``before_task_publish``); the worker puts it back for the task's run (``task_prerun``), so
  the worker's log lines of that task carry it too.
- ``JSON_FORMATTER``: python-json-logger's formatter as ``portal/settings.py`` configures it in
  production (``LOG_FORMAT=json``): one JSON object per line.
- ``init_sentry``: called by the settings when ``SENTRY_DSN`` is set. ``send_default_pii`` is off
  and ``scrub_event`` removes e-mail addresses and tokens from what is sent.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")


def new_request_id():
    return uuid.uuid4().hex


class RequestIdMiddleware:
    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request_id)
        except ImportError:  # pragma: no cover - sentry-sdk is in requirements.txt
            pass
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or ``-``) on every record as ``request_id``.

    Django logs a 4xx/5xx response (``django.request``) after the middleware has returned, so
    the record's own ``request`` comes first.
    """

    def filter(self, record):
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


# --- Celery: the request's id travels with the tasks it enqueues ----------------------------

TASK_HEADER = "request_id"
_task_tokens: dict[str, contextvars.Token] = {}


def task_publish_add_request_id(sender=None, headers=None, **kwargs):
    """``before_task_publish``: a task enqueued during a request carries the request's id."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-" and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def _task_request_id(task):
    request = getattr(task, "request", None)
    # A worker (message protocol 2) puts custom headers on the request; ``apply`` keeps them in ``headers``.
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    return value if isinstance(value, str) and SAFE_REQUEST_ID.match(value) else None


def task_prerun_set_request_id(sender=None, task_id=None, task=None, **kwargs):
    """``task_prerun``: the worker's log lines of this task carry the id of the request that enqueued it.

    A task run eagerly inside the request already sees the request's id; without a header the id
    stays as it is.
    """
    request_id = _task_request_id(task)
    if request_id and task_id:
        _task_tokens[task_id] = request_id_var.set(request_id)


def task_postrun_reset_request_id(sender=None, task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)


def connect_celery_signals():
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(task_publish_add_request_id, weak=False, dispatch_uid="portal.request_id.publish")
    task_prerun.connect(task_prerun_set_request_id, weak=False, dispatch_uid="portal.request_id.prerun")
    task_postrun.connect(task_postrun_reset_request_id, weak=False, dispatch_uid="portal.request_id.postrun")


JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    "timestamp": False,
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def _json_formatter_base():
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter


class AccessJsonFormatter(_json_formatter_base()):
    """gunicorn's access log as JSON: one object per request with the response's X-Request-ID.

    gunicorn logs each request with its "atoms" (a dict) as the record's args; the fields are
    taken from there. The query string is left out: it may carry a token.
    """

    FIELDS = {"remote": "h", "method": "m", "path": "U", "status": "s", "bytes": "B"}

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        atoms = record.args if hasattr(record.args, "get") else {}
        for field, atom in self.FIELDS.items():
            log_record[field] = atoms.get(atom)
        duration = atoms.get("D")
        log_record["duration_ms"] = round(int(duration) / 1000, 1) if str(duration).isdigit() else None
        log_record["request_id"] = atoms.get("{x-request-id}o")
        log_record.pop("message", None)
        log_record["logger"] = "gunicorn.access"


# --- Sentry ---------------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
SECRET_PARAM = re.compile(
    r"(?i)\b(token|key|password|passwd|secret|signature|sig|code|session\w*|csrf\w*)=([^&\s;\"']+)"
)
# A long run of token characters with both letters and digits: a signed link, a session key.
TOKEN = re.compile(r"(?<![A-Za-z0-9_:-])(?=[A-Za-z0-9_:-]*\d)(?=[A-Za-z0-9_:-]*[A-Za-z])[A-Za-z0-9_:-]{24,}")
# Code locations are not personal data and stay readable.
KEEP_KEYS = {"function", "module", "filename", "abs_path", "package", "lineno", "platform", "type", "logger", "level"}
DROP_HEADERS = {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip"}


def scrub_text(value: str) -> str:
    value = EMAIL.sub("[email]", value)
    value = SECRET_PARAM.sub(lambda m: f"{m.group(1)}=[scrubbed]", value)
    return TOKEN.sub("[token]", value)


def _scrub(value, key=None):
    if key in KEEP_KEYS:
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def scrub_event(event, hint=None):
    """Sentry ``before_send``: no cookies, forms, user or addresses; e-mails and tokens masked."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() not in DROP_HEADERS}
    event.pop("user", None)
    return _scrub(event)


def init_sentry(*, dsn, environment, release=None, traces_sample_rate=0.0):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",
    )
