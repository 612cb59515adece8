"""The newsletter message: HTML with inline styles, a text part and the RFC 8058 headers.

An issue is rendered once per language of its readers (the frame around the body is in the
reader's language); each recipient's message only swaps in their own unsubscribe and
preferences links. That keeps a batch fast: no template rendering per message.

No tracking: no pixels, no redirected links, nothing per reader but the two links above.
"""

import re
import secrets
from urllib.parse import quote

from django.core.mail import EmailMultiAlternatives
from django.utils.safestring import mark_safe

from newsletter import conf
from newsletter.tokens import manage_token_for_id
from portal.links import absolute_url, site_host
from portal.markdown import render_markdown
from portal.outbox import render_email

TEMPLATE = "newsletter-issue"

# Styles for the tags nh3 lets through (portal.markdown.ALLOWED_TAGS): e-mail programs ignore
# <style> blocks, so each tag carries its own. nh3 drops every style attribute the author wrote.
INLINE_STYLES = {
    "p": "margin:0 0 16px;font-size:16px;line-height:1.5;color:#1a1a1a;",
    "h2": "margin:24px 0 8px;font-size:20px;line-height:1.3;color:#003a70;",
    "h3": "margin:20px 0 8px;font-size:18px;line-height:1.3;color:#003a70;",
    "h4": "margin:16px 0 8px;font-size:16px;line-height:1.3;color:#003a70;",
    "a": "color:#00549f;text-decoration:underline;",
    "ul": "margin:0 0 16px;padding-left:24px;",
    "ol": "margin:0 0 16px;padding-left:24px;",
    "li": "margin:0 0 6px;font-size:16px;line-height:1.5;color:#1a1a1a;",
    "blockquote": "margin:0 0 16px;padding:8px 16px;border-left:4px solid #8a9099;color:#4a4f55;",
    "pre": "margin:0 0 16px;padding:12px;background:#f4f7fb;white-space:pre-wrap;font-size:14px;",
    "code": "font-family:Consolas,monospace;font-size:14px;",
    "hr": "border:0;border-top:1px solid #8a9099;margin:24px 0;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 16px;",
    "th": "text-align:left;padding:6px 8px;border-bottom:2px solid #8a9099;font-size:15px;",
    "td": "text-align:left;padding:6px 8px;border-bottom:1px solid #8a9099;font-size:15px;",
}
_TAG = re.compile(r"<(" + "|".join(INLINE_STYLES) + r")(?=[\s>/])")


def inline_styles(html: str) -> str:
    """Give every opening tag of the sanitised body its inline style."""
    return _TAG.sub(lambda m: f'<{m.group(1)} style="{INLINE_STYLES[m.group(1)]}"', html)


def body_html(issue) -> str:
    """The issue's body as sanitised HTML (nh3, portal.markdown) with inline styles added."""
    return mark_safe(inline_styles(str(render_markdown(issue.body))))  # noqa: S308 - nh3-sanitised above


def unsubscribe_url(token, language):
    return absolute_url("newsletter:unsubscribe", kwargs={"token": token}, language=language)


def preferences_url(token, language):
    return absolute_url("newsletter:preferences", kwargs={"token": token}, language=language)


def subscribe_url(language):
    return absolute_url("newsletter:subscribe", language=language)


def issue_url(issue):
    """The issue's page in the archive, in the issue's own language (``/sv/newsletter/2026-4/``)."""
    return absolute_url(
        "newsletter:issue-detail", kwargs={"year": issue.year, "number": issue.quarter}, language=issue.language
    )


def unsubscribe_mailto():
    return f"mailto:{conf.unsubscribe_mailbox()}?subject={quote('unsubscribe')}"


def list_headers(*, unsubscribe, message_id=None):
    """RFC 2369 / RFC 8058 headers: one-click unsubscribe by POST, and a mailbox as the fallback."""
    domain = site_host()
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>, <{unsubscribe_mailto()}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"newsletter.{domain}",
    }
    if message_id:
        headers["Message-ID"] = f"<{message_id}@{domain}>"
    return headers


class IssueRenderer:
    """Renders an issue once per reader language and builds each recipient's message from it."""

    def __init__(self, issue, *, test=False):
        self.issue = issue
        self.test = test
        self._body_html = body_html(issue)
        self._by_language = {}
        # Random markers for the per-recipient links: no author's text can contain them.
        nonce = secrets.token_hex(8)
        self._unsubscribe_marker = f"https://unsubscribe.invalid/{nonce}"
        self._preferences_marker = f"https://preferences.invalid/{nonce}"

    def _rendered(self, language):
        if language not in self._by_language:
            issue = self.issue
            web_url = issue_url(issue)
            context = {
                "issue": issue,
                "body_html": self._body_html,
                "web_url": web_url,
                "unsubscribe_url": self._unsubscribe_marker,
                "preferences_url": self._preferences_marker,
                "test": self.test,
                "reader_language": language,
            }
            _subject, text, html = render_email(template=TEMPLATE, context=context, language=language)
            self._by_language[language] = (text, html)
        return self._by_language[language]

    def subject(self):
        subject = " ".join(self.issue.subject.split())
        if self.test:
            subject = f"[TEST] {subject}"
        return subject

    def message(self, *, to, language, subscriber_id=None, connection=None):
        """The message for one reader. Without ``subscriber_id`` (a test to a non-subscriber)
        the links lead to the subscription page instead of someone's preferences."""
        text, html = self._rendered(language)
        if subscriber_id is not None:
            token = manage_token_for_id(subscriber_id)
            unsubscribe = unsubscribe_url(token, language)
            preferences = preferences_url(token, language)
        else:
            unsubscribe = preferences = subscribe_url(language)
        text = text.replace(self._unsubscribe_marker, unsubscribe).replace(self._preferences_marker, preferences)
        html = html.replace(self._unsubscribe_marker, unsubscribe).replace(self._preferences_marker, preferences)
        message_id = None
        if subscriber_id is not None and not self.test:
            # The same Message-ID if a message is ever repeated, so mail programs show it once.
            message_id = f"newsletter-{self.issue.pk}-{subscriber_id}"
        message = EmailMultiAlternatives(
            subject=self.subject(),
            body=text,
            from_email=conf.from_email(),
            to=[to],
            headers=list_headers(unsubscribe=unsubscribe, message_id=message_id),
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
        return message
