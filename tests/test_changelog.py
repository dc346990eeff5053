"""The public changelog and its Atom feed: published changes newest first, with stable
ids and true dates, and never a draft."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from explainer.models import Note, StickingPoint
from explainer.views import CHANGELOG_PAGE_SIZE
from tests.conftest import make_sticking_point
from tests.test_notes import change_point, make_note

pytestmark = pytest.mark.django_db


def changelog(client, **params):
    return client.get(reverse("changelog"), params)


def feed(client):
    response = client.get(reverse("changelog_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def note_entry(parsed):
    (entry,) = [e for e in parsed.entries if ":note/" in e.id]
    return entry


def revise(point, summary, **changes):
    for name, value in changes.items():
        setattr(point, name, value)
    point._public_summary = summary
    point.save()


class TestChangelogPage:
    def test_lists_new_points_revisions_and_notes_newest_first_with_links(self, client):
        point = make_sticking_point(title="Residuals", question="Why residuals?")
        revise(point, "The explanation now covers the August counteroffer.")
        note = make_note(point, text="The strike began on May 2, not May 1.")
        html = changelog(client).content.decode()

        correction = html.index("The strike began on May 2")
        revision = html.index("The explanation now covers the August counteroffer.")
        new = html.index("Why residuals?")
        assert correction < revision < new
        assert f'href="/points/{point.slug}/#note-{note.pk}"' in html
        assert html.count(f'href="/points/{point.slug}/"') == 2
        assert ">New sticking point</span>" in html and ">Revised</span>" in html
        assert ">Correction</span>" in html
        today = timezone.now().strftime("%B %-d, %Y")
        assert f">{today}</time>" in html

    def test_a_save_without_a_summary_for_readers_is_not_listed(self, client):
        point = make_sticking_point(question="Why residuals?")
        revise(point, "", short_answer="A typo fixed.")
        html = changelog(client).content.decode()
        assert html.count('class="change change--') == 1  # only its being new

    def test_drafts_never_appear(self, client):
        draft = make_sticking_point(publication="draft", question="Secret question?")
        revise(draft, "Secret revision.")
        make_note(draft, kind="update", text="Secret note.")
        shown = make_sticking_point()
        make_note(shown, kind="update", text="Unpublished note.", publication="draft")
        for text in [changelog(client).content.decode(), client.get("/changes/feed.atom")]:
            text = text if isinstance(text, str) else text.content.decode()
            for secret in ["Secret question?", "Secret revision.", "Secret note.", "Unpublished"]:
                assert secret not in text

    def test_a_point_returned_to_draft_takes_its_changes_with_it(self, client):
        point = make_sticking_point(question="Soon withdrawn?")
        revise(point, "Revised before withdrawal.")
        point.publication = StickingPoint.Publication.DRAFT
        point.save()
        html = changelog(client).content.decode()
        assert "Soon withdrawn?" not in html and "Revised before withdrawal." not in html

    def test_edits_made_while_a_draft_are_not_revisions_and_publication_is_new(self, client):
        point = make_sticking_point(publication="draft", question="Drafted first?")
        revise(point, "Worked on in draft.")
        point.publication = StickingPoint.Publication.PUBLISHED
        point.save()
        html = changelog(client).content.decode()
        assert "Drafted first?" in html
        assert "Worked on in draft." not in html

    def test_is_paged(self, client):
        point = make_sticking_point(question="The oldest change?")
        for n in range(CHANGELOG_PAGE_SIZE):
            make_note(point, kind="update", text=f"Update number {n}.")
        first = changelog(client).content.decode()
        assert first.index("Update number 19.") < first.index("Update number 0.")
        assert "The oldest change?" not in first
        assert 'rel="next" href="?page=2"' in first
        second = changelog(client, page=2).content.decode()
        assert "The oldest change?" in second and "Page 2 of 2" in second
        assert "Update number" not in second
        assert changelog(client, page="x").status_code == 400
        assert changelog(client, page=3).status_code == 404

    def test_queries_do_not_grow_with_the_record(self, client, django_assert_max_num_queries):
        for _ in range(15):
            point = make_sticking_point()
            revise(point, "A revision.")
            make_note(point, kind="update")
        with django_assert_max_num_queries(4):
            assert changelog(client).status_code == 200

    def test_an_editor_describes_a_revision_in_the_admin(self, editor_client, client):
        point = make_sticking_point()
        saved = change_point(
            editor_client,
            point,
            short_answer="Now says what the August report adds.",
            public_summary="The short answer now mentions the August counteroffer.",
        )
        assert saved.status_code == 302
        assert "The short answer now mentions" in changelog(client).content.decode()
        # The summary is for that save only.
        change_point(editor_client, point, short_answer="Typo fixed.")
        assert changelog(client).content.decode().count("change--revised") == 1


class TestFeed:
    def test_every_page_names_the_feed(self, client, seeded):
        for path in ["/", "/points/free-work/", "/timeline/", "/offers/", "/changes/", "/about/"]:
            html = client.get(path).content.decode()
            assert (
                '<link rel="alternate" type="application/atom+xml" href="/changes/feed.atom"'
                in html
            ), path

    def test_carries_the_changelog_with_dates_links_and_ids(self, client):
        point = make_sticking_point(title="Residuals", question="Why residuals?")
        StickingPoint.objects.filter(pk=point.pk).update(
            published_at=datetime.datetime(2026, 11, 25, 17, tzinfo=datetime.UTC)
        )
        note = make_note(point, text="The strike began on May 2, not May 1.")
        parsed = feed(client)

        assert parsed.feed.title == "Strike Explainer: what changed"
        correction, new = parsed.entries
        assert correction.title == "Correction: Residuals"
        assert correction.summary == "The strike began on May 2, not May 1."
        assert correction.link == f"http://testserver/points/{point.slug}/#note-{note.pk}"
        assert new.title == "New sticking point: Residuals"
        assert new.updated_parsed[:4] == (2026, 11, 25, 17)
        assert parsed.feed.updated_parsed == correction.updated_parsed
        assert len({correction.id, new.id}) == 2
        assert all(entry.id.startswith("tag:") for entry in parsed.entries)

    def test_an_entrys_id_stays_and_its_updated_date_moves_when_it_is_edited(self, client):
        point = make_sticking_point()
        note = make_note(point, text="First wording.")
        yesterday = timezone.now() - datetime.timedelta(days=1)
        Note.objects.filter(pk=note.pk).update(published_at=yesterday, updated_at=yesterday)
        before = note_entry(feed(client))
        assert before.updated_parsed == before.published_parsed
        note.refresh_from_db()
        note.text = "Second wording."
        note.save()
        # The point's address changes too: ids never depend on it.
        point.slug = "renamed"
        point.save()
        after = note_entry(feed(client))
        assert after.id == before.id
        assert after.summary == "Second wording."
        assert after.published_parsed == before.published_parsed
        assert after.updated_parsed > after.published_parsed
        assert after.link.endswith(f"/points/renamed/#note-{note.pk}")

    def test_is_cached_like_the_pages(self, client, seeded):
        first = client.get(reverse("changelog_feed"))
        assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
        again = client.get(reverse("changelog_feed"), headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
