"""The association registry (yhdistysrekisteri) and who represents each association."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AssociationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, moderation_state=Association.ModerationState.APPROVED)

    def represented_by(self, user):
        """Associations the user may act for: approved memberships only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__state=Membership.State.APPROVED)


class Association(models.Model):
    """An association (yhdistys), foundation, informal group (neljäs sektori) or other body."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered association (ry)")
        FOUNDATION = "foundation", _("Foundation")
        INFORMAL = "informal", _("Informal group")
        OTHER = "other", _("Other (e.g. parish)")

    class ModerationState(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGISTERED)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    service_areas = models.ManyToManyField(
        "portal.ServiceArea", verbose_name=_("service areas"), blank=True, related_name="associations"
    )
    age_groups = models.ManyToManyField(
        "portal.AgeGroup", verbose_name=_("age groups served"), blank=True, related_name="associations"
    )
    is_public = models.BooleanField(_("public"), default=True)
    moderation_state = models.CharField(
        _("moderation state"), max_length=20, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("associations:detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A user representing an association: claimed or created, then approved."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Representative")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("association"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["association__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "association"], name="membership_user_association_unique"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_at__isnull=False), name="membership_approved_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.association} ({self.get_role_display()})"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN and self.state == self.State.APPROVED
