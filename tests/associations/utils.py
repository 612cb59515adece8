from django.contrib.auth.models import Permission
from django.utils import translation

REGISTRY_MODELS = ("association", "membership", "event", "partnershipagreement", "partnershipreview")


def grant_registry_permissions(group):
    """The permissions the city gives its staff groups for the registry in the admin."""
    perms = Permission.objects.filter(content_type__app_label="associations", content_type__model__in=REGISTRY_MODELS)
    group.permissions.add(*perms)


def en(message, params=None):
    """A translatable message constant as an English page shows it."""
    with translation.override("en"):
        text = str(message)
    return text % params if params is not None else text


def as_shown(response, message, params=None):
    """A message constant in the language the response was rendered in (the admin has no prefix)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        text = str(message)
    return text % params if params is not None else text
