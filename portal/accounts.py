"""django-allauth adapter: allauth's e-mails go through the outbox, like every other e-mail."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import translation

from portal.outbox import notify


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Queue allauth's message in the outbox instead of sending it inline.

        allauth renders ``<prefix>_subject.txt`` / ``_message.txt`` / ``_message.html``; we
        render the same templates through the portal's e-mail trio wrapper
        (``emails/allauth-*``) so the message is kept, retried and never lost.
        """
        ctx = {"email": email, "current_site": self._get_current_site(), **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        with transaction.atomic():
            notify(
                key=f"allauth:{template_prefix.rsplit('/', 1)[-1]}:{email}:{uuid.uuid4()}",
                to=email,
                template="allauth-passthrough",
                context={"subject": msg.subject, "body_text": msg.body, "body_html": html},
                language=translation.get_language(),
            )

    def _get_current_site(self):
        from django.contrib.sites.shortcuts import get_current_site

        return get_current_site(self.request)
