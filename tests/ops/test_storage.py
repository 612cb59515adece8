"""Uploads on local disk or in an S3-compatible bucket (moto's standalone server: a real S3 HTTP
endpoint on loopback). On both, a poster goes in through the site's form and comes back only
through the permission-checked view; with the bucket, another process serves what this one
stored, and the bucket itself gives an outsider nothing."""

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from associations.models import Event
from portal.storage import StorageURLError, storage_from_url
from tests.associations.factories import image_upload

KEY, SECRET = "portal-test", "portal-test-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket_url(s3_endpoint):
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    s3(s3_endpoint).create_bucket(Bucket=bucket)
    return f"s3+http://{KEY}:{SECRET}@{s3_endpoint.removeprefix('http://')}/{bucket}"


def s3(endpoint):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )


@pytest.fixture(params=["local", "s3"])
def backend(request, settings):
    """The default storage on each backend in turn; returns the STORAGE_URL (empty: local disk)."""
    url = request.getfixturevalue("bucket_url") if request.param == "s3" else ""
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    return url


def event_form(**overrides):
    day = timezone.localdate() + dt.timedelta(days=30)
    data = {"kind": "event", "title": "Joulunäytös", "description": "", "start_date": day.isoformat()}
    data |= {"start_time": "", "end_date": "", "end_time": "", "place": "Isomäen jäähalli", "online_url": ""}
    data |= {"link": "", "poster_alt": "Luistelijoita jäällä", "report": ""}
    return data | overrides


def post_poster(client):
    upload = image_upload("juliste.png", "PNG")
    body = upload.read()
    upload.seek(0)
    response = client.post("/en/associations/events/new/", event_form(poster=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Event.objects.get(title="Joulunäytös"), body


def test_a_poster_uploaded_through_the_form_is_stored_and_streamed_back_only_to_those_allowed(
    backend, client, client_for, association_member
):
    event, body = post_poster(client_for(association_member))
    url = f"/en/associations/events/{event.pk}/poster/"

    own = client_for(association_member).get(url)
    outsider = client.get(url)

    assert default_storage.exists(event.poster.name)
    assert own.status_code == 200 and own.streaming
    assert b"".join(own.streaming_content)[:8] == body[:8]
    assert "no-store" in own["Cache-Control"]
    assert outsider.status_code == 404  # pending: only its association sees it
    if backend:
        assert type(default_storage._wrapped).__name__ == "S3Storage"
    else:
        assert (settings.MEDIA_ROOT / event.poster.name).is_file()


def test_a_missing_file_is_a_404_not_a_500(backend, client_for, association_member):
    event, _body = post_poster(client_for(association_member))
    Event.objects.filter(pk=event.pk).update(moderation_state="approved")
    default_storage.delete(event.poster.name)

    assert client_for(association_member).get(f"/en/associations/events/{event.pk}/poster/").status_code == 404


def test_objects_in_the_bucket_are_private(bucket_url, settings, client_for, association_member):
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(bucket_url)}
    event, _body = post_poster(client_for(association_member))
    options = storage_from_url(bucket_url)["OPTIONS"]
    key = f"{options['location']}/{event.poster.name}"

    grants = s3(options["endpoint_url"]).get_object_acl(Bucket=options["bucket_name"], Key=key)["Grants"]
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(f"{options['endpoint_url']}/{options['bucket_name']}/{key}")  # noqa: S310

    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
    assert anonymous.value.code == 403


@contextmanager
def web_process(*, storage_url, media_root):
    """A gunicorn web process of its own on the test database, as on another host."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "STORAGE_URL": storage_url,
        "MEDIA_ROOT": str(media_root),
        "LOG_FORMAT": "text",
    }
    port = free_port()
    log = open(Path(media_root).parent / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--timeout", "120"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # two shared cores under a parallel test run are slow
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("gunicorn did not start:\n" + Path(log.name).read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def upload_through(base, user):
    """Sign in (a session in the database) and post the event form with a poster over HTTP."""
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, signed_in.cookies[settings.SESSION_COOKIE_NAME].value)
    form = browser.get(f"{base}/en/associations/events/new/", timeout=60)
    assert form.status_code == 200, (form.status_code, form.url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    upload = image_upload("juliste.png", "PNG")
    body = upload.read()
    response = browser.post(
        f"{base}/en/associations/events/new/",
        data=event_form(csrfmiddlewaretoken=token),
        files={"poster": ("juliste.png", body, "image/png")},
        headers={"Referer": f"{base}/en/associations/events/new/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    return Event.objects.get(title="Joulunäytös"), body


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_the_bucket_a_poster_uploaded_through_one_web_process_is_served_by_another(bucket_url, tmp_path):
    from tests.factories import MembershipFactory

    member = MembershipFactory(association__name="Porin Karhut ry", association__slug="porin-karhut").user
    with (
        web_process(storage_url=bucket_url, media_root=tmp_path / "host-a") as host_a,
        web_process(storage_url=bucket_url, media_root=tmp_path / "host-b") as host_b,
    ):
        published, body = upload_through(host_a, member)
        Event.objects.filter(pk=published.pk).update(moderation_state="approved")
        pending = Event.objects.create(
            association=published.association,
            title="Luonnos",
            start_date=published.start_date,
            poster=published.poster.name,
            poster_alt="Juliste",
            moderation_state="pending",
        )

        served = requests.get(f"{host_b}/en/associations/events/{published.pk}/poster/", timeout=60)
        private = requests.get(f"{host_b}/en/associations/events/{pending.pk}/poster/", timeout=30)

    assert served.status_code == 200 and served.content == body
    assert private.status_code == 404  # an outsider gets nothing for an unpublished event's poster
    assert not (tmp_path / "host-a").exists() and not (tmp_path / "host-b").exists()  # nothing on local disk


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_on_local_disk_another_host_cannot_serve_the_poster(tmp_path):
    """Why replicas on several hosts need the bucket."""
    from tests.factories import MembershipFactory

    member = MembershipFactory(association__name="Porin Karhut ry", association__slug="porin-karhut").user
    with (
        web_process(storage_url="", media_root=tmp_path / "host-a") as host_a,
        web_process(storage_url="", media_root=tmp_path / "host-b") as host_b,
    ):
        published, _body = upload_through(host_a, member)
        Event.objects.filter(pk=published.pk).update(moderation_state="approved")
        here = requests.get(f"{host_a}/en/associations/events/{published.pk}/poster/", timeout=60)
        there = requests.get(f"{host_b}/en/associations/events/{published.pk}/poster/", timeout=60)

    assert (here.status_code, there.status_code) == (200, 404)


@pytest.mark.parametrize(
    ("url", "endpoint", "bucket"),
    [
        ("s3+http://k:s@minio:9000/portal-media", "http://minio:9000", "portal-media"),
        ("s3+https://k:s%2Fx@s3.example.org/media", "https://s3.example.org", "media"),
        ("s3://k:s@/portal-media", None, "portal-media"),
    ],
)
def test_storage_url_names_the_endpoint_bucket_and_keys(url, endpoint, bucket):
    options = storage_from_url(url)["OPTIONS"]

    assert (options["endpoint_url"], options["bucket_name"]) == (endpoint, bucket)
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.parametrize("url", ["s3+http://minio:9000/", "ftp://k:s@host/bucket", "s3+https://k:s@/bucket"])
def test_a_malformed_storage_url_is_refused(url):
    with pytest.raises(StorageURLError):
        storage_from_url(url)
