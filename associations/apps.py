from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("Associations")

    def ready(self):
        from associations.acting import acting_association
        from portal.registries import acting_association_resolver

        # The programme's surveys (portal.programme) are answered for the acting association.
        acting_association_resolver(acting_association)
