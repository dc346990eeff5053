"""Corrections, clarifications and updates: readers see them at the top of the page and
as one line on the card, and a published correction never disappears, whatever an
editor does."""

import re

import pytest
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from explainer.models import Note, StickingPoint
from tests.conftest import make_sticking_point

pytestmark = pytest.mark.django_db


def make_note(point, **fields):
    fields.setdefault("kind", Note.Kind.CORRECTION)
    fields.setdefault("text", "We said the talks lasted six weeks; the source says five.")
    fields.setdefault("publication", Note.Publication.PUBLISHED)
    return Note.objects.create(sticking_point=point, **fields)


def point_change_data(client, point, **changes):
    """What the sticking point's change page submits, as loaded, with `changes`."""
    page = client.get(reverse("admin:explainer_stickingpoint_change", args=[point.pk]))
    html = page.content.decode()
    hidden = dict(re.findall(r'name="([\w-]*loaded_version)" value="(\d+)"', html))
    notes = list(point.notes.order_by("-published_at", "-pk"))
    data = {
        "title": point.title,
        "slug": point.slug,
        "question": point.question,
        "short_answer": point.short_answer,
        "explanation": point.explanation,
        "standing": point.standing,
        "publication": point.publication,
        "order": point.order,
        "public_summary": "",
        "demands-TOTAL_FORMS": "0",
        "demands-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": str(len(notes)),
        "notes-INITIAL_FORMS": str(len(notes)),
        **hidden,
    }
    for i, note in enumerate(notes):
        data |= {
            f"notes-{i}-id": note.pk,
            f"notes-{i}-sticking_point": point.pk,
            f"notes-{i}-kind": note.kind,
            f"notes-{i}-text": note.text,
            f"notes-{i}-publication": note.publication,
        }
    return data | changes


def change_point(client, point, **changes):
    return client.post(
        reverse("admin:explainer_stickingpoint_change", args=[point.pk]),
        point_change_data(client, point, **changes),
    )


class TestReaders:
    def test_published_notes_head_the_page_newest_first_with_kind_and_date(self, client):
        point = make_sticking_point()
        make_note(point, kind="clarification", text="An earlier line read as the WGA's.")
        make_note(point, text="The strike began on May 2, not May 1.")
        make_note(point, kind="update", text="A draft nobody sees.", publication="draft")
        html = client.get(point.get_absolute_url()).content.decode()

        notes = html[html.index('id="notes"') : html.index('id="explanation-title"')]
        assert notes.index("The strike began on May 2") < notes.index("An earlier line")
        assert '<strong class="note__kind">Correction</strong>, <time datetime=' in notes
        assert "A draft nobody sees." not in html
        assert html.index('id="notes"') < html.index('id="explanation-title"')

    def test_editors_see_draft_notes_in_preview_marked_as_drafts(self, editor_client):
        point = make_sticking_point()
        make_note(point, kind="update", text="Talks resume next week.", publication="draft")
        html = editor_client.get(
            reverse("preview_sticking_point", args=[point.slug])
        ).content.decode()
        assert "Talks resume next week." in html
        assert "(draft: readers do not see it)" in html

    def test_the_card_shows_the_latest_note_as_one_line_linking_to_it(self, client):
        point = make_sticking_point()
        make_note(point, kind="update", text="Older update.")
        latest = make_note(point, text="The strike began on May 2, not May 1.")
        html = client.get(reverse("embed_card", args=[point.slug])).content.decode()
        assert '<p class="card__note">' in html
        assert f'#note-{latest.pk}" target="_top"><strong>Correction, <time' in html
        assert "The strike began on May 2, not May 1." in html
        assert "Older update." not in html

    def test_a_page_without_notes_has_no_notes_box(self, client):
        point = make_sticking_point()
        assert 'id="notes"' not in client.get(point.get_absolute_url()).content.decode()

    def test_publishing_a_note_changes_the_page_readers_get(self, client):
        point = make_sticking_point()
        note = make_note(point, publication="draft", text="Figures were wrong.")
        assert "Figures were wrong." not in client.get(point.get_absolute_url()).content.decode()
        note.publication = Note.Publication.PUBLISHED
        note.save()
        assert "Figures were wrong." in client.get(point.get_absolute_url()).content.decode()


class TestACorrectionStays:
    def test_it_cannot_be_deleted_in_code(self):
        note = make_note(make_sticking_point())
        with pytest.raises(ProtectedError), transaction.atomic():
            note.delete()
        with pytest.raises(ProtectedError), transaction.atomic():
            Note.objects.all().delete()
        assert Note.objects.filter(pk=note.pk).exists()

    def test_drafts_and_other_kinds_of_note_can_be_deleted(self):
        point = make_sticking_point()
        make_note(point, publication="draft").delete()
        make_note(point, kind="update").delete()
        assert not point.notes.exists()

    def test_the_admin_offers_no_delete_and_its_delete_page_says_why(self, editor_client):
        note = make_note(make_sticking_point())
        change = editor_client.get(reverse("admin:explainer_note_change", args=[note.pk]))
        delete_url = reverse("admin:explainer_note_delete", args=[note.pk])
        assert f'href="{delete_url}"' not in change.content.decode()
        refused = editor_client.post(delete_url)
        assert refused.status_code == 403
        bulk = editor_client.post(
            reverse("admin:explainer_note_changelist"),
            {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
        )
        assert bulk.status_code == 200
        assert "a published correction is never deleted" in bulk.content.decode()
        assert Note.objects.filter(pk=note.pk).exists()

    def test_deleting_it_inline_is_refused_and_the_typing_kept(self, editor_client):
        point = make_sticking_point()
        note = make_note(point)
        refused = change_point(
            editor_client,
            point,
            short_answer="A new short answer.",
            **{"notes-0-DELETE": "on"},
        )
        assert refused.status_code == 200
        assert "a published correction is never deleted" in refused.content.decode()
        assert "A new short answer." in refused.content.decode()
        assert Note.objects.filter(pk=note.pk).exists()
        assert StickingPoint.objects.get(pk=point.pk).short_answer != "A new short answer."

    def test_it_cannot_go_back_to_draft_or_become_another_kind(self, editor_client):
        note = make_note(make_sticking_point())
        url = reverse("admin:explainer_note_change", args=[note.pk])
        base = {"sticking_point": note.sticking_point_id, "kind": "correction", "text": note.text}
        to_draft = editor_client.post(url, base | {"publication": "draft"})
        assert to_draft.status_code == 200
        assert "stays published" in str(to_draft.context["adminform"].form.errors["publication"])
        other = editor_client.post(url, base | {"publication": "published", "kind": "update"})
        assert "stays a correction" in str(other.context["adminform"].form.errors["kind"])
        note.refresh_from_db()
        assert (note.kind, note.publication) == ("correction", "published")

    def test_its_text_can_still_be_corrected(self, editor_client):
        note = make_note(make_sticking_point())
        url = reverse("admin:explainer_note_change", args=[note.pk])
        saved = editor_client.post(
            url,
            {
                "sticking_point": note.sticking_point_id,
                "kind": "correction",
                "text": "The strike began on May 2.",
                "publication": "published",
            },
        )
        assert saved.status_code == 302
        note.refresh_from_db()
        assert note.text == "The strike began on May 2."

    def test_its_sticking_point_cannot_be_returned_to_draft(self, editor_client):
        point = make_sticking_point()
        make_note(point)
        refused = change_point(editor_client, point, publication="draft")
        assert refused.status_code == 200
        errors = refused.context["adminform"].form.errors["publication"]
        assert "published correction never disappears" in str(errors)

        action = editor_client.post(
            reverse("admin:explainer_stickingpoint_changelist"),
            {"action": "unpublish", "_selected_action": [point.pk]},
            follow=True,
        )
        assert "carry a published correction" in action.content.decode()
        assert StickingPoint.objects.get(pk=point.pk).is_published

    def test_its_sticking_point_cannot_be_deleted(self, editor_client):
        point = make_sticking_point()
        make_note(point)
        with pytest.raises(ProtectedError), transaction.atomic():
            point.delete()
        page = editor_client.post(
            reverse("admin:explainer_stickingpoint_delete", args=[point.pk]), {"post": "yes"}
        )
        assert page.status_code == 200
        assert StickingPoint.objects.filter(pk=point.pk).exists()

    def test_a_revert_to_its_draft_version_is_refused(self, editor_client):
        note = make_note(make_sticking_point(), publication="draft")
        draft_record = note.history.earliest()
        note.publication = Note.Publication.PUBLISHED
        note.save()
        url = reverse("admin:explainer_note_simple_history", args=[note.pk, draft_record.pk])
        page = editor_client.get(url)
        data = {
            "sticking_point": note.sticking_point_id,
            "kind": "correction",
            "text": note.text,
            "publication": "draft",
            "loaded_version": re.search(
                r'name="loaded_version" value="(\d+)"', page.content.decode()
            ).group(1),
        }
        refused = editor_client.post(url, data)
        assert refused.status_code == 200
        note.refresh_from_db()
        assert note.is_published

    def test_its_words_are_checked_like_all_our_prose(self, seeded, editor_client):
        point = StickingPoint.objects.get(slug="free-work")
        copied = (
            "The Writers Guild of America told its members Monday night that the strike "
            "would begin"
        )
        refused = editor_client.post(
            reverse("admin:explainer_note_add"),
            {
                "sticking_point": point.pk,
                "kind": "update",
                "text": copied,
                "publication": "published",
            },
        )
        assert refused.status_code == 200
        assert "text" in refused.context["adminform"].form.errors
        assert not Note.objects.exists()
