"""Audiences for the annual clock's invitations: "newsletter subscribers of a topic".

Registered when portal autodiscovers ``recipients`` modules: ``newsletter.topic.<topic>`` for
each topic, confirmed subscribers only.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from newsletter.models import Subscriber, Topic
from portal.registries import Recipient, recipient_list


def _topic_recipients(topic):
    def recipients():
        rows = Subscriber.objects.active().interested_in([topic]).order_by("email").values_list("email", "language")
        return [Recipient(email=email, language=language) for email, language in rows]

    return recipients


for _topic in Topic:
    recipient_list(
        f"newsletter.topic.{_topic.value}",
        label=format_lazy("{}: {}", _("Newsletter subscribers"), _topic.label),
    )(_topic_recipients(_topic.value))
