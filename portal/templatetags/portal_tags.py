import datetime as dt

from django import template
from django.utils import timezone

from portal import permissions
from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown as sanitised HTML: ``{{ page.body|markdown }}``."""
    return render_markdown(text)


@register.filter(name="acts_as_staff")
def acts_as_staff_filter(user):
    """``{% if user|acts_as_staff %}``: staff with a verified authenticator app (portal.permissions)."""
    return permissions.acts_as_staff(user)


@register.filter(name="staff_has_perm")
def staff_has_perm_filter(user, perm):
    """``{% if user|staff_has_perm:"associations.view_association" %}``: staff with TOTP holding ``perm``."""
    return permissions.staff_has_perm(user, perm)


@register.filter(name="html_datetime")
def html_datetime(value):
    """The ``datetime`` attribute of ``<time>``: ``2026-11-27`` or ``2026-11-27T19:03:12+02:00``.

    Whole seconds, in the current time zone: HTML allows at most three fraction digits, and
    Django's ``date:'c'`` writes the database's six. Empty for no value.
    """
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""


@register.simple_tag(takes_context=True)
def staff_waiting_tasks(context):
    """The admin index's "waiting for you" lines (``portal.registries.staff_waiting``)."""
    from portal.registries import staff_tasks

    request = context.get("request")
    return staff_tasks(request) if request is not None else []


@register.filter(name="money")
def money_filter(value, currency=None):
    """``{{ amount|money }}`` in the city's currency, ``{{ amount|money:round.currency }}`` in another."""
    from portal.money import money

    return money(value, currency)
