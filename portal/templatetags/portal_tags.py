from django import template

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
