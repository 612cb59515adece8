"""Cross-cutting request handling: forwarded headers only from the proxy; signed-in pages are never
cached; staff need MFA for the admin."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from portal.permissions import acts_as_staff

STAFF_MFA_REQUIRED = _("Set up two-factor authentication with an authenticator app before you open the administration.")


FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
)


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]):
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in trusted if value.strip())


def from_trusted_proxy(remote_addr: str, trusted) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(trusted)))


class TrustedProxyMiddleware:
    """Forwarded headers count only when the TLS proxy sent them (``TRUSTED_PROXY_IPS``).

    Django believes ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``) and the rate limits
    believe ``X-Forwarded-For`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` (``portal.accounts.client_ip``)
    from whoever connects. A request from any other peer loses those headers before anything
    reads them, so reaching gunicorn past the proxy buys neither "https" nor a made-up address.
    Empty ``TRUSTED_PROXY_IPS`` (development, tests): nothing is removed; production requires it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = getattr(settings, "TRUSTED_PROXY_IPS", None)
        if trusted and not from_trusted_proxy(request.META.get("REMOTE_ADDR", ""), trusted):
            headers = list(FORWARDED_HEADERS)
            client_header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
            if client_header:
                headers.append("HTTP_" + client_header.upper().replace("-", "_"))
            for name in headers:
                request.META.pop(name, None)
        return self.get_response(request)


class SessionSecurityMiddleware:
    """``Cache-Control: no-store`` on every page a signed-in user sees (shared computers).

    Anonymous public pages keep their normal caching. The user is looked at after the view,
    so the response to a sign-in is covered too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class StaffMFAMiddleware:
    """A staff user must have an authenticator app (TOTP) before any admin page opens.

    Without one they are sent to allauth's TOTP setup and see no admin page at all. A
    signed-in user who is not staff gets 403 on every admin URL. The admin's own login goes
    through allauth (see portal/urls.py), so its rate limits and the MFA step at sign-in
    apply to staff too. Outside the admin the same rule holds through ``portal.permissions``:
    without TOTP a staff account has no staff powers anywhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path.startswith(self.admin_prefix):
            if not user.is_staff:
                # The admin would bounce them to its login page; say plainly that it is not theirs.
                raise PermissionDenied
            if not acts_as_staff(user):
                messages.warning(request, STAFF_MFA_REQUIRED)
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @property
    def admin_prefix(self):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return self._admin_prefix
