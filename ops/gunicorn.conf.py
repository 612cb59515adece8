"""gunicorn for the production image: ``gunicorn portal.wsgi:application -c ops/gunicorn.conf.py``.

Workers from ``WEB_CONCURRENCY`` (gunicorn reads it; default 1). With ``LOG_FORMAT=json`` (the
compose default) the access and error logs are JSON lines like the portal's own, and each
access line carries the request id the portal put in ``X-Request-ID``.
"""

import os

bind = "0.0.0.0:8000"
timeout = 60
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus id=%({x-request-id}o)s'

if os.environ.get("LOG_FORMAT", "json") == "json":
    from portal.observability import JSON_FORMATTER

    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {**JSON_FORMATTER, "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "access": {
                "()": "portal.observability.AccessJsonFormatter",
                "fmt": "%(asctime)s",
                "rename_fields": {"asctime": "time"},
            },
        },
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
        },
        "root": {"handlers": ["error"], "level": "INFO"},  # Django's LOGGING takes over in the workers
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
