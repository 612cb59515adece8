"""django-filter FilterSets: the directory, the open data export and the events list share them.

Every filter is a GET parameter, so a filtered view is a link to share or bookmark, and it works
without JavaScript.
"""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.countries import FINLAND, POLAND, current_country
from associations.models import Association, Event, FieldOfActivity, Language, PartnershipAgreement, PublicBenefitSphere
from associations.search import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG, search_associations
from associations.widgets import FastSelect, FilterModelChoiceField, share_choices_version
from portal.models import AgeGroup, ServiceArea


class FastModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = FilterModelChoiceField


class FieldOfActivityChoiceField(FilterModelChoiceField):
    def label_from_instance(self, obj):
        # Subfields are indented under their main field in the select.
        return f"– {obj.name}" if obj.parent_id else obj.name


class FieldOfActivityFilter(django_filters.ModelChoiceFilter):
    field_class = FieldOfActivityChoiceField


def fields_of_activity_in_tree_order():
    """Main fields each followed by their subfields, so the select reads as a tree (one query)."""
    return FieldOfActivity.objects.select_related("parent").order_by(
        Coalesce("parent__order", "order"),
        Coalesce("parent__name", "name"),
        F("parent_id").asc(nulls_first=True),
        "order",
        "name",
    )


class AssociationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
        help_text=_("Name or words in the description. Small typos are fine."),
    )
    prh_class = django_filters.ChoiceFilter(
        label=_("PRH class"),
        choices=Association.PRHClass.choices,
        empty_label=_("All classes"),
        widget=FastSelect,
    )
    # Poland's classification (associations.countries): a sphere of public benefit of art. 4.
    sphere = FastModelChoiceFilter(
        label=_("Sphere of public benefit"),
        queryset=PublicBenefitSphere.objects.all(),
        to_field_name="point",
        method="filter_sphere",
        empty_label=_("All spheres"),
    )
    field = FieldOfActivityFilter(
        label=_("Field of activity"),
        queryset=FieldOfActivity.objects.none(),
        method="filter_field",
        empty_label=_("All fields"),
    )
    service_area = FastModelChoiceFilter(
        label=_("Service area"),
        queryset=ServiceArea.objects.all(),
        method="filter_service_area",
        empty_label=_("All areas"),
    )
    age_group = FastModelChoiceFilter(
        label=_("Age group"), queryset=AgeGroup.objects.all(), method="filter_age_group", empty_label=_("All ages")
    )
    language = FastModelChoiceFilter(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        empty_label=_("All languages"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Association.Kind.choices, empty_label=_("All kinds"), widget=FastSelect
    )
    has_agreement = django_filters.BooleanFilter(
        label=_("Has a partnership agreement"),
        method="filter_has_agreement",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Association
        fields = ["q", "prh_class", "sphere", "field", "service_area", "age_group", "language", "kind", "has_agreement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the city's country's classification: PRH classes in Finland, spheres in Poland.
        country = current_country()
        for other in (FINLAND, POLAND):
            if other.classification_filter != country.classification_filter:
                self.filters.pop(other.classification_filter, None)
        self.filters["field"].queryset = fields_of_activity_in_tree_order()
        self.form.fields["field"].queryset = self.filters["field"].queryset
        share_choices_version(self.form)

    def filter_queryset(self, queryset):
        # The search goes last: its fuzzy step asks whether the *filtered* set has exact matches.
        text = self.form.cleaned_data.get("q")
        queryset = super().filter_queryset(queryset)
        return search_associations(queryset, text) if text else queryset

    def filter_search(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after the other filters

    def filter_field(self, queryset, name, value):
        # A main field matches associations in any of its subfields too.
        through = Association.fields_of_activity.through
        return queryset.filter(
            Exists(
                through.objects.filter(association_id=OuterRef("pk")).filter(
                    Q(fieldofactivity_id=value.pk) | Q(fieldofactivity__parent_id=value.pk)
                )
            )
        )

    def filter_service_area(self, queryset, name, value):
        through = Association.service_areas.through
        return queryset.filter(Exists(through.objects.filter(association_id=OuterRef("pk"), servicearea_id=value.pk)))

    def filter_sphere(self, queryset, name, value):
        through = Association.public_benefit_spheres.through
        return queryset.filter(
            Exists(through.objects.filter(association_id=OuterRef("pk"), publicbenefitsphere_id=value.pk))
        )

    def filter_age_group(self, queryset, name, value):
        through = Association.age_groups.through
        return queryset.filter(Exists(through.objects.filter(association_id=OuterRef("pk"), agegroup_id=value.pk)))

    def filter_language(self, queryset, name, value):
        through = Association.languages.through
        return queryset.filter(Exists(through.objects.filter(association_id=OuterRef("pk"), language_id=value.pk)))

    def filter_has_agreement(self, queryset, name, value):
        # A checkbox: ticked narrows to associations with a valid public agreement; unticked is no filter.
        if not value:
            return queryset
        valid = PartnershipAgreement.objects.public().valid_on(timezone.localdate()).filter(association=OuterRef("pk"))
        return queryset.filter(Exists(valid))


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Event.Kind.choices, empty_label=_("All"), widget=FastSelect
    )
    start = django_filters.DateFilter(
        label=_("From"), method="filter_start", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(label=_("To"), method="filter_end", widget=forms.DateInput(attrs={"type": "date"}))
    field = FieldOfActivityFilter(
        label=_("Field of activity"),
        queryset=FieldOfActivity.objects.none(),
        method="filter_field",
        empty_label=_("All fields"),
    )
    service_area = FastModelChoiceFilter(
        label=_("Service area"),
        queryset=ServiceArea.objects.all(),
        method="filter_service_area",
        empty_label=_("All areas"),
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "start", "end", "field", "service_area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["field"].queryset = fields_of_activity_in_tree_order()
        self.form.fields["field"].queryset = self.filters["field"].queryset
        share_choices_version(self.form)

    def filter_search(self, queryset, name, value):
        q = Q()
        for word in value.split()[:8]:
            q &= Q(title__icontains=word) | Q(description__icontains=word) | Q(association__name__icontains=word)
        return queryset.filter(q)

    def filter_start(self, queryset, name, value):
        return queryset.ending_from(value)

    def filter_end(self, queryset, name, value):
        return queryset.filter(start_date__lte=value)

    def filter_field(self, queryset, name, value):
        through = Association.fields_of_activity.through
        return queryset.filter(
            Exists(
                through.objects.filter(association_id=OuterRef("association_id")).filter(
                    Q(fieldofactivity_id=value.pk) | Q(fieldofactivity__parent_id=value.pk)
                )
            )
        )

    def filter_service_area(self, queryset, name, value):
        through = Association.service_areas.through
        return queryset.filter(
            Exists(through.objects.filter(association_id=OuterRef("association_id"), servicearea_id=value.pk))
        )
