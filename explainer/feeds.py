"""The changelog as an Atom feed: the same entries as the changelog page, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from explainer import changelog

FEED_SIZE = 30


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Strike Explainer: what changed"
    subtitle = (
        "New and revised sticking points, corrections, clarifications and updates to an "
        "independent explainer of the 2023 writers' strike."
    )
    author_name = "Strike Explainer"

    def link(self):
        return reverse("changelog")

    def feed_url(self):
        return reverse("changelog_feed")

    def feed_guid(self):
        return f"tag:{changelog.tag_authority()}:changes"

    def items(self):
        return changelog.changes(changelog.entries()[:FEED_SIZE])

    def item_title(self, item):
        return f"{item.label}: {item.point.title}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.tag

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.label]
