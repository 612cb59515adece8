"""City-managed names per language (django-modeltranslation): ``name_fi``, ``name_sv``, ``name_en``,
``name_pl``. ``name`` reads the active language's value and falls back to the city's own language;
the base ``name`` column keeps its constraints (``unique=True``)."""

from modeltranslation.translator import TranslationOptions, register

from portal.models import AgeGroup, Department, Forum, ServiceArea, Topic


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name", "short_name")
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back


@register(ServiceArea)
class ServiceAreaTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back


@register(AgeGroup)
class AgeGroupTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back


@register(Forum)
class ForumTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}  # an untranslated name is NULL: unique per language, falls back
