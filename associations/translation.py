"""Fields of activity per language (django-modeltranslation), as the portal's other city-managed names."""

from modeltranslation.translator import TranslationOptions, register

from associations.models import FieldOfActivity, PublicBenefitSphere


@register(FieldOfActivity)
class FieldOfActivityTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back


@register(PublicBenefitSphere)
class PublicBenefitSphereTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}
