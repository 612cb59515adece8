"""Cross-cutting request handling: signed-in pages are never cached; staff need MFA for the admin."""

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class SessionSecurityMiddleware:
    """``Cache-Control: no-store`` on every page a signed-in user sees (shared computers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class StaffMFAMiddleware:
    """A staff user must have MFA (TOTP) set up before any admin page opens.

    Without it they are sent to allauth's MFA setup; the admin's own login already goes
    through allauth (see portal/urls.py), so its rate limits and MFA step apply there too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(self._admin_prefix(request))
            and not is_mfa_enabled(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _admin_prefix(request):
        return reverse("admin:index")
