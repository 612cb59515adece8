"""factory_boy factories shared by every app's tests. App-specific ones live beside their tests."""

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from django.utils.text import slugify

from associations.models import Association, Membership
from portal.models import AgeGroup, ContactPerson, Department, Forum, Page, ServiceArea, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Give the user a verified primary e-mail, as allauth's mandatory verification needs."""
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class CityNameFactory(factory.django.DjangoModelFactory):
    """City-managed names (modeltranslation) are written, and looked up, in the city's own language,
    whatever language an earlier request in the test left active."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super()._create(model_class, *args, **kwargs)


class DepartmentFactory(CityNameFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")
    staff_group = factory.SubFactory(
        GroupFactory, name=factory.LazyAttribute(lambda o: f"{o.factory_parent.name} staff")
    )


class ServiceAreaFactory(CityNameFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Service area {n}")


class AgeGroupFactory(CityNameFactory):
    class Meta:
        model = AgeGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Age group {n}")


class TopicFactory(CityNameFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    name = factory.Sequence(lambda n: f"Contact {n}")
    title = "Erityisasiantuntija"
    department = factory.SubFactory(DepartmentFactory)
    email = factory.Sequence(lambda n: f"contact{n}@city.example")


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    language = "fi"
    title = factory.Sequence(lambda n: f"Page {n}")
    body = "Some **text**."


class ForumFactory(CityNameFactory):
    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Forum.Kind.NETWORK


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association {n} ry")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Association.Kind.REGISTERED
    email = factory.Sequence(lambda n: f"association{n}@example.org")
    moderation_state = Association.ModerationState.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
