"""The production shape in docker-compose.yml: only the TLS proxy on the host reaches the portal,
the internal services are on an internal network, and forwarded headers are believed only from
the proxy."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.test import override_settings

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"
# The Compose Specification's JSON schema, vendored from the docker-compose 1.29.2 wheel on PyPI
# (compose/config/compose_spec.json, Apache-2.0): `docker compose config` needs a Docker engine.
COMPOSE_SCHEMA = Path(settings.BASE_DIR) / "ops" / "compose-spec.json"
INTERNAL_ONLY = {"postgres", "redis", "migrate", "beat", "backup", "minio", "minio-init"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def _compose_errors(document):
    validator = jsonschema.Draft201909Validator(json.loads(COMPOSE_SCHEMA.read_text()))
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def test_the_compose_file_is_valid_by_the_compose_specification(compose):
    assert _compose_errors(compose) == []


def test_the_schema_check_catches_a_mistyped_key(compose):
    broken = copy.deepcopy(compose)
    broken["services"]["web"]["prots"] = broken["services"]["web"].pop("ports")

    assert any("prots" in error for error in _compose_errors(broken))


def test_backups_and_health_are_in_the_production_shape(compose):
    services = compose["services"]

    assert services["backup"]["command"] == ["python", "ops/backup.py", "--loop"]
    assert "backups:/backups" in services["backup"]["volumes"]
    assert "/readyz" in services["web"]["healthcheck"]["test"]


def _published(service):
    return [str(port) for port in service.get("ports", [])]


def test_every_published_port_listens_on_the_hosts_loopback_only(compose):
    published = {name: _published(service) for name, service in compose["services"].items()}

    assert published["web"] and all(port.startswith("127.0.0.1:") for port in published["web"])
    assert all(port.startswith("127.0.0.1:") for ports in published.values() for port in ports), published


def test_the_database_redis_and_mail_catcher_live_on_an_internal_network(compose):
    internal = {name for name, network in compose["networks"].items() if network and network.get("internal")}
    services = compose["services"]

    assert internal, "an internal network (no route out, no published ports)"
    for name in INTERNAL_ONLY:
        assert set(services[name]["networks"]) <= internal, name
        assert not _published(services[name]), name
    assert set(services["mailpit"]["networks"]) & internal
    assert set(services["web"]["networks"]) & internal


def test_production_values_without_a_safe_default_must_be_given(compose):
    env = compose["x-portal-env"]

    assert env["EMAIL_URL"].startswith("${EMAIL_URL:?")
    assert env["SITE_URL"].startswith("${SITE_URL:?")
    assert env["ALLAUTH_TRUSTED_PROXY_COUNT"] and env["TRUSTED_PROXY_IPS"]


# --- Forwarded headers only from the proxy ----------------------------------------------------


def _headers_seen(client, **extra):
    response = client.get("/healthz", **extra)
    request = response.wsgi_request
    from portal.accounts import client_ip

    return request.is_secure(), client_ip(request)


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ALLAUTH_TRUSTED_PROXY_COUNT=1,
    TRUSTED_PROXY_IPS=["10.0.0.0/24"],
)
def test_forwarded_headers_from_anyone_but_the_proxy_are_ignored(client, db):
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.50", "HTTP_X_FORWARDED_PROTO": "https"}

    through_proxy = _headers_seen(client, REMOTE_ADDR="10.0.0.2", **forwarded)
    straight_in = _headers_seen(client, REMOTE_ADDR="192.0.2.9", **forwarded)

    assert through_proxy == (True, "203.0.113.50")
    assert straight_in == (False, "192.0.2.9")


@override_settings(
    ALLAUTH_TRUSTED_PROXY_COUNT=0,
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    TRUSTED_PROXY_IPS=["10.0.0.0/24"],
)
def test_the_client_ip_header_is_believed_only_from_the_proxy(client, db):
    assert _headers_seen(client, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.50")[1] == "203.0.113.50"
    assert _headers_seen(client, REMOTE_ADDR="192.0.2.9", HTTP_X_REAL_IP="203.0.113.50")[1] == "192.0.2.9"
