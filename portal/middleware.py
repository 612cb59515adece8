"""Cross-cutting request handling: signed-in pages are never cached; staff need MFA for the admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from portal.permissions import acts_as_staff

STAFF_MFA_REQUIRED = _("Set up two-factor authentication with an authenticator app before you open the administration.")


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
