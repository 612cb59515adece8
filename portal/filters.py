"""Read-side filters and selectors of the portal core (django-filter; GET parameters in the URL)."""

import django_filters
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils.translation import gettext_lazy as _

from portal.models import ContactPerson, Department, Forum, Topic


class ContactFilter(django_filters.FilterSet):
    """ "Who do I ask about …": narrow the public contact directory by topic and department.

    ``?topic=<slug>&department=<id>`` so a filtered list can be bookmarked and shared, and the
    form works without JavaScript. An unknown value is reported on its field and ignored.
    """

    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.filter(contacts__is_public=True).distinct(),
        empty_label=_("All topics"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.filter(contacts__is_public=True).distinct(),
        empty_label=_("All departments"),
    )

    class Meta:
        model = ContactPerson
        fields = ["topic", "department"]

    @property
    def is_filtered(self):
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)


def public_contacts():
    return (
        ContactPerson.objects.filter(is_public=True)
        .select_related("department")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("-is_coordinator", "name")
    )


def contact_directory(*, data):
    """The public directory for the GET parameters ``data``: (filterset, contacts).

    The coordinator (yhdistysyhteyshenkilö, seed 001) is always in the list and first, whatever
    the filter: they guide anyone who does not know whom to ask to the right person.
    """
    filterset = ContactFilter(data or None, queryset=ContactPerson.objects.filter(is_public=True))
    matching = filterset.qs.values("pk")
    contacts = public_contacts().filter(Q(is_coordinator=True) | Q(pk__in=matching))
    return filterset, contacts


# The city's own cooperation bodies in the order seed 000 names them; the networks come last.
FORUM_KIND_ORDER = [
    Forum.Kind.WORKING_GROUP,
    Forum.Kind.SPORTS_PARLIAMENT,
    Forum.Kind.ASSOCIATION_EVENING,
    Forum.Kind.WORKSHOP,
    Forum.Kind.OTHER,
    Forum.Kind.NETWORK,
]


def forum_list():
    """Active cooperation forums and networks: the bodies first, then the networks (seeds 000, 002)."""
    kind_order = Case(
        *[When(kind=kind, then=Value(position)) for position, kind in enumerate(FORUM_KIND_ORDER)],
        default=Value(len(FORUM_KIND_ORDER)),
        output_field=IntegerField(),
    )
    return Forum.objects.filter(is_active=True).select_related("department").order_by(kind_order, "name")
