from django import template

from associations.acting import acting_association
from associations.jsonld import render_jsonld
from associations.models import Association

register = template.Library()


@register.filter(name="jsonld")
def jsonld_filter(data):
    """``{{ data|jsonld }}``: a safely escaped ``<script type="application/ld+json">`` element."""
    return render_jsonld(data)


@register.inclusion_tag("associations/components/acting_for.html", takes_context=True)
def acting_for(context):
    """The header's "I act for …" line and chooser, for a signed-in representative."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    associations = list(Association.objects.represented_by(user).order_by("name").only("pk", "name", "slug"))
    if not associations:
        return {"show": False}
    current = acting_association(request) if len(associations) > 1 else associations[0]
    return {
        "show": True,
        "request": request,
        "associations": associations,
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }
