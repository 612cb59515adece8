"""Public pages: subscribe, confirm, preferences, unsubscribe (no account needed), the archive."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from newsletter import selectors
from newsletter.consent import CONSENT_TEXT, PRIVACY_TEXT
from newsletter.forms import AccountSubscribeForm, PreferencesForm, SubscribeForm
from newsletter.models import Subscriber, Topic
from newsletter.services import subscriptions
from newsletter.tokens import TokenExpired, TokenInvalid, manage_token, read_confirm_token, read_manage_token

TOO_MANY_REQUESTS = gettext_lazy("Too many subscription requests from your network. Try again in an hour.")


def _crumbs(*extra):
    return [(_("Newsletter"), reverse("newsletter:archive")), *extra]


def _link_problem(request, message, *, status=400):
    """The page for an expired or forged link: says what happened; nothing was changed."""
    return render(
        request,
        "newsletter/link_invalid.html",
        {"message": message, "breadcrumbs": _crumbs((_("Link not valid"), ""))},
        status=status,
    )


def _subscribe_rate(group, request):
    """Sign-up requests per visitor and hour (``NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR``, 20 by default)."""
    return f"{getattr(settings, 'NEWSLETTER_SUBSCRIBE_LIMIT_PER_HOUR', 20)}/h"


def _over_limit(request):
    """A per-visitor limit on subscription requests, against mass sign-ups of others.

    Counted by django-ratelimit on the visitor's address as the trusted proxy reports it
    (``portal.accounts.client_ip``), so visitors behind the proxy do not share one limit.
    """
    return is_ratelimited(request, group="newsletter.subscribe", key="ip", rate=_subscribe_rate, increment=True)


def _account_subscription(user):
    """(verified e-mail, active subscription or None) for a signed-in user; (None, None) otherwise."""
    if not user.is_authenticated:
        return None, None
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "id").first()
    if address is None:
        return None, None
    return address.email, Subscriber.objects.active().filter(email=address.email.lower()).first()


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The subscription page; the footer form posts here too (then only the address is sent)."""
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if "language" not in request.POST:
            # The footer form: the page's language and every topic.
            data = request.POST.copy()
            data["language"] = translation.get_language()
            data.setlist("topics", list(Topic.values))
            form = SubscribeForm(data)
        if _over_limit(request):
            return render(
                request,
                "newsletter/subscribe_form.html",
                _subscribe_context(request, form, error=TOO_MANY_REQUESTS),
                status=429,
            )
        if form.is_valid():
            try:
                subscriptions.subscriber_subscribe(
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    topics=form.cleaned_data["topics"],
                    source=subscriptions.clean_source(form.cleaned_data["source"]) or request.path,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("newsletter:subscribe-done")
    else:
        form = SubscribeForm(initial={"source": request.GET.get("from", "")})
    return render(request, "newsletter/subscribe_form.html", _subscribe_context(request, form))


def _subscribe_context(request, form, *, error=None):
    email, active = _account_subscription(request.user)
    return {
        "form": form,
        "error": error,
        "consent_text": CONSENT_TEXT,
        "privacy_text": PRIVACY_TEXT,
        "account_email": email,
        "account_form": AccountSubscribeForm(auto_id="account_%s") if email and not active else None,
        "account_subscription": active,
        "account_preferences_url": (
            reverse("newsletter:preferences", kwargs={"token": manage_token(active)}) if active else None
        ),
        "breadcrumbs": _crumbs((_("Subscribe"), "")),
    }


def subscribe_done(request):
    return render(
        request,
        "newsletter/subscribe_done.html",
        {"message": subscriptions.SUBSCRIBE_DONE, "breadcrumbs": _crumbs((_("Subscribe"), ""))},
    )


@require_POST
def subscribe_account(request):
    """One click for a signed-in user with a verified e-mail address."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('newsletter:subscribe')}")
    form = AccountSubscribeForm(request.POST)
    if not form.is_valid():
        return render(
            request, "newsletter/subscribe_form.html", _subscribe_context(request, SubscribeForm()), status=400
        )
    try:
        subscriber = subscriptions.subscriber_subscribe_account(
            user=request.user,
            language=form.cleaned_data["language"],
            topics=form.cleaned_data["topics"],
            source=reverse("newsletter:subscribe"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("newsletter:subscribe")
    messages.success(request, subscriptions.ACCOUNT_SUBSCRIBED % {"email": subscriber.email})
    return redirect("newsletter:subscribe")


@never_cache  # personal pages reached by a signed link: never kept in a shared cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """Double opt-in, step two. GET only shows a button: link scanners must not confirm."""
    try:
        subscriber_id = read_confirm_token(token)
    except TokenExpired:
        return _link_problem(request, subscriptions.LINK_EXPIRED)
    except TokenInvalid:
        return _link_problem(request, subscriptions.LINK_INVALID)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return _link_problem(request, subscriptions.LINK_INVALID)
    crumbs = _crumbs((_("Confirm the subscription"), ""))
    if request.method == "GET":
        if subscriber.unsubscribed_at is not None:
            return _link_problem(request, subscriptions.CONFIRM_ENDED, status=410)
        return render(request, "newsletter/subscriber_confirm.html", {"subscriber": subscriber, "breadcrumbs": crumbs})
    result = subscriptions.subscriber_confirm(subscriber_id=subscriber.pk)
    if not result.ok:
        return _link_problem(request, result.message, status=410)
    return render(
        request,
        "newsletter/subscriber_confirmed.html",
        {
            "subscriber": result.subscriber,
            "message": result.message,
            "preferences_url": reverse("newsletter:preferences", kwargs={"token": manage_token(result.subscriber)}),
            "breadcrumbs": crumbs,
        },
    )


def _subscriber_from_manage_token(token):
    try:
        subscriber_id = read_manage_token(token)
    except TokenInvalid:
        return None
    return Subscriber.objects.prefetch_related("topics").filter(pk=subscriber_id).first()


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """Change language and topics without an account, from the link in every message."""
    subscriber = _subscriber_from_manage_token(token)
    if subscriber is None:
        return _link_problem(request, subscriptions.LINK_INVALID)
    crumbs = _crumbs((_("Your newsletter choices"), ""))
    if subscriber.unsubscribed_at is not None:
        return render(
            request,
            "newsletter/subscriber_unsubscribed.html",
            {"message": subscriptions.ALREADY_UNSUBSCRIBED, "breadcrumbs": crumbs},
        )
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                subscriptions.subscriber_update_preferences(
                    subscriber=subscriber, language=form.cleaned_data["language"], topics=form.cleaned_data["topics"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, subscriptions.PREFERENCES_SAVED)
                return redirect("newsletter:preferences", token=token)
    else:
        form = PreferencesForm(initial={"language": subscriber.language, "topics": subscriber.topic_codes()})
    return render(
        request,
        "newsletter/subscriber_preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "unsubscribe_url": reverse("newsletter:unsubscribe", kwargs={"token": token}),
            "breadcrumbs": crumbs,
        },
    )


@never_cache
@csrf_exempt  # RFC 8058: the mail program POSTs without a cookie; the signed token authorises it.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button (and the preferences instead). POST: unsubscribed at once."""
    subscriber = _subscriber_from_manage_token(token)
    if subscriber is None:
        return _link_problem(request, subscriptions.LINK_INVALID)
    crumbs = _crumbs((_("Unsubscribe"), ""))
    if request.method == "GET":
        if subscriber.unsubscribed_at is not None:
            return render(
                request,
                "newsletter/subscriber_unsubscribed.html",
                {"message": subscriptions.ALREADY_UNSUBSCRIBED, "breadcrumbs": crumbs},
            )
        return render(
            request,
            "newsletter/subscriber_unsubscribe.html",
            {
                "subscriber": subscriber,
                "preferences_url": reverse("newsletter:preferences", kwargs={"token": token}),
                "breadcrumbs": crumbs,
            },
        )
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    reason = Subscriber.Reason.ONE_CLICK if one_click else Subscriber.Reason.LINK
    changed = subscriptions.subscriber_unsubscribe(subscriber=subscriber, reason=reason)
    message = subscriptions.UNSUBSCRIBED if changed else subscriptions.ALREADY_UNSUBSCRIBED
    return render(request, "newsletter/subscriber_unsubscribed.html", {"message": message, "breadcrumbs": crumbs})


# --- The archive -------------------------------------------------------------------------------
def archive(request):
    years = selectors.archive_years()
    latest = selectors.archive_issues(language=translation.get_language())[:8]
    return render(
        request,
        "newsletter/issue_archive.html",
        {"years": years, "issues": latest, "breadcrumbs": [(_("Newsletter"), "")]},
    )


def archive_year(request, year):
    issues = selectors.archive_issues(language=translation.get_language(), year=year)
    if not issues:
        raise Http404(_("No newsletter was sent that year."))
    return render(
        request,
        "newsletter/issue_archive_year.html",
        {"year": year, "issues": issues, "years": selectors.archive_years(), "breadcrumbs": _crumbs((str(year), ""))},
    )


def issue_detail(request, year, number):
    """Issue ``number``/``year`` in the page's language, or its original version marked with its ``lang``."""
    issue = selectors.archive_issue(year=year, number=number, language=translation.get_language())
    if issue is None:
        raise Http404(_("No such newsletter issue."))
    versions = selectors.archive_versions(issue=issue)
    return render(
        request,
        "newsletter/issue_detail.html",
        {
            "issue": issue,
            "versions": versions,
            "breadcrumbs": _crumbs(
                (str(year), reverse("newsletter:archive-year", kwargs={"year": year})), (issue.subject, "")
            ),
        },
    )


def issue_old_address(request, year, pk):
    """``/newsletter/2026/5/`` (year and id) → the issue's numbered address in its own language."""
    issue = selectors.archive_issue_by_id(pk=pk)
    if issue is None:
        raise Http404(_("No such newsletter issue."))
    return redirect(issue.get_absolute_url(), permanent=True)
