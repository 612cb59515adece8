"""RSS and Atom feeds of the newsletter archive (open data, DESIGN §4)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsletter import selectors
from portal.markdown import render_markdown


class IssueFeed(Feed):
    title = _("Association newsletter")
    description = _("Issues of the association newsletter, as they are sent.")

    def link(self):
        return reverse("newsletter:archive")

    def items(self):
        return selectors.feed_issues(language=get_language())

    def item_title(self, item):
        return item.subject

    def item_description(self, item):
        return render_markdown(item.body)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.sent_at

    def item_updateddate(self, item):
        return item.sent_at

    def item_guid(self, item):
        return f"newsletter-issue-{item.pk}"

    item_guid_is_permalink = False


class IssueAtomFeed(IssueFeed):
    feed_type = Atom1Feed
    subtitle = IssueFeed.description
