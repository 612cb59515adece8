"""The Celery app. Tasks live in each app's tasks.py; periodic ones in CELERY_BEAT_SCHEDULE."""

import os

from celery import Celery

from portal.observability import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# What a task prints goes to the worker's own stdout, not into its log: in ``make run`` the
# console e-mail backend then prints each e-mail in the terminal of make run, where a newcomer looks.
app.conf.worker_redirect_stdouts = False
app.autodiscover_tasks()
# Tasks enqueued during a request carry its id into the worker's log lines.
connect_celery_signals()
