"""Two editors never overwrite each other unknowingly, and every change to content is
recorded with who, when and what, and can be reverted through the same checks."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from explainer.models import Citation, Demand, StickingPoint
from tests.conftest import (
    editors_group,
    make_citation,
    make_party,
    make_source,
    make_sticking_point,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="ruth", password="another long password", is_staff=True
    )
    user.groups.add(editors_group())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def point():
    citation = make_citation()
    union = make_party(kind="union", short_name="WGA")
    point = make_sticking_point(
        title="Pay", slug="pay", explanation=f"Talks went on.[^{citation.key}]"
    )
    Demand.objects.create(sticking_point=point, party=union, summary="More pay.").citations.add(
        make_citation(about=union)
    )
    return point


def form_data(page, point, **changes):
    """What the change page submits: its fields as loaded, with the editor's changes."""
    html = page.content.decode()
    hidden = dict(re.findall(r'name="([\w-]*loaded_version)" value="(\d+)"', html))
    demand = point.demands.get()
    data = {
        "title": point.title,
        "slug": point.slug,
        "question": point.question,
        "short_answer": point.short_answer,
        "explanation": point.explanation,
        "standing": point.standing,
        "publication": point.publication,
        "order": point.order,
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
        "demands-TOTAL_FORMS": "1",
        "demands-INITIAL_FORMS": "1",
        "demands-0-id": demand.pk,
        "demands-0-sticking_point": point.pk,
        "demands-0-party": demand.party_id,
        "demands-0-stated_by": demand.stated_by,
        "demands-0-summary": demand.summary,
        "demands-0-citations": [c.pk for c in demand.citations.all()],
        "demands-0-order": demand.order,
        **hidden,
    }
    data.update(changes)
    return data


def change_url(point):
    return reverse("admin:explainer_stickingpoint_change", args=[point.pk])


class TestNoLostUpdates:
    def test_the_second_save_is_refused_saying_who_changed_what_and_keeping_the_typing(
        self, editor_client, second_editor, point
    ):
        first_page = editor_client.get(change_url(point))
        second_page = second_editor.get(change_url(point))

        saved = editor_client.post(
            change_url(point), form_data(first_page, point, short_answer="The first edit.")
        )
        assert saved.status_code == 302

        refused = second_editor.post(
            change_url(point), form_data(second_page, point, short_answer="The second edit.")
        )
        assert refused.status_code == 200
        message = str(refused.context["adminform"].form.non_field_errors())
        assert "Not saved: editor changed this sticking point" in message
        assert "They changed: short answer." in message
        assert "The second edit." in refused.content.decode()  # typing kept
        assert StickingPoint.objects.get(pk=point.pk).short_answer == "The first edit."

        # After reconciling, saving the form as shown goes through.
        again = second_editor.post(
            change_url(point), form_data(refused, point, short_answer="Both edits, merged.")
        )
        assert again.status_code == 302
        assert StickingPoint.objects.get(pk=point.pk).short_answer == "Both edits, merged."

    def test_an_inline_position_is_protected_too(self, editor_client, second_editor, point):
        first_page = editor_client.get(change_url(point))
        second_page = second_editor.get(change_url(point))
        assert (
            editor_client.post(
                change_url(point), form_data(first_page, point, **{"demands-0-summary": "First."})
            ).status_code
            == 302
        )
        refused = second_editor.post(
            change_url(point), form_data(second_page, point, **{"demands-0-summary": "Second."})
        )
        assert refused.status_code == 200
        _, inline = refused.context["inline_admin_formsets"]  # notes, then positions
        errors = str(inline.formset.forms[0].non_field_errors())
        assert "changed this position" in errors and "They changed: summary." in errors
        assert Demand.objects.get().summary == "First."

    def test_untouched_positions_are_not_saved_so_no_one_editing_them_is_refused(
        self, editor_client, point
    ):
        demand = point.demands.get()
        before = (demand.version, demand.history.count())
        page = editor_client.get(change_url(point))
        editor_client.post(change_url(point), form_data(page, point, short_answer="Only this."))
        demand.refresh_from_db()
        assert (demand.version, demand.history.count()) == before

    def test_saving_twice_from_one_page_in_turn_is_no_conflict(self, editor_client, point):
        page = editor_client.get(change_url(point))
        assert (
            editor_client.post(
                change_url(point), form_data(page, point, short_answer="One.")
            ).status_code
            == 302
        )
        page = editor_client.get(change_url(point))
        assert (
            editor_client.post(
                change_url(point), form_data(page, point, short_answer="Two.")
            ).status_code
            == 302
        )


class TestHistory:
    def test_every_save_is_recorded_with_who_and_a_field_by_field_diff(self, editor_client, point):
        page = editor_client.get(change_url(point))
        editor_client.post(change_url(point), form_data(page, point, short_answer="Revised."))
        history = editor_client.get(
            reverse("admin:explainer_stickingpoint_history", args=[point.pk])
        ).content.decode()
        assert "editor" in history
        assert "Short answer:" in history and "Revised." in history
        assert "Version:" not in history

    def test_a_revert_restores_an_earlier_version_and_is_itself_recorded(
        self, editor_client, point
    ):
        original = point.history.earliest()
        page = editor_client.get(change_url(point))
        editor_client.post(change_url(point), form_data(page, point, short_answer="Revised."))
        url = reverse("admin:explainer_stickingpoint_simple_history", args=[point.pk, original.pk])
        form = editor_client.get(url)
        assert form.status_code == 200
        data = form_data(form, point, short_answer=original.short_answer)
        data = {k: v for k, v in data.items() if not k.startswith("demands-")}
        assert editor_client.post(url, data).status_code == 302
        point.refresh_from_db()
        assert point.short_answer == "A short answer."
        assert point.history.count() == 3

    def test_readers_see_each_admin_edit_and_revert_at_once(self, editor_client, point, settings):
        # Pages are cached and, with SITE_URL, rendered ahead after each save: readers
        # must still see every step, and history must still name the editor.
        settings.SITE_URL = "http://testserver"
        reader = Client()
        original = point.history.earliest()
        assert "A short answer." in reader.get(point.get_absolute_url()).content.decode()
        page = editor_client.get(change_url(point))
        editor_client.post(change_url(point), form_data(page, point, short_answer="Revised."))
        assert "Revised." in reader.get(point.get_absolute_url()).content.decode()
        url = reverse("admin:explainer_stickingpoint_simple_history", args=[point.pk, original.pk])
        data = form_data(editor_client.get(url), point, short_answer=original.short_answer)
        data = {k: v for k, v in data.items() if not k.startswith("demands-")}
        assert editor_client.post(url, data).status_code == 302
        html = reader.get(point.get_absolute_url()).content.decode()
        assert "A short answer." in html and "Revised." not in html
        assert point.history.first().history_user.username == "editor"

    def test_a_revert_must_pass_the_same_checks(self, editor_client, point):
        # A version from before its citation was renamed away: its marker names nothing.
        good = point.explanation
        point.explanation = "An older wording.[^a-key-since-renamed]"
        point.save()
        stale = point.history.first()
        point.explanation = good
        point.save()
        url = reverse("admin:explainer_stickingpoint_simple_history", args=[point.pk, stale.pk])
        data = form_data(editor_client.get(url), point, explanation=stale.explanation)
        data = {k: v for k, v in data.items() if not k.startswith("demands-")}
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "names no citation" in str(response.context["adminform"].form.errors)
        assert StickingPoint.objects.get(pk=point.pk).explanation == good

    def test_bulk_publishing_and_deleting_are_recorded(self, editor_client, point):
        point.publication = "draft"
        point.save()
        editor_client.post(
            reverse("admin:explainer_stickingpoint_changelist"),
            {"action": "publish", "_selected_action": [point.pk]},
        )
        latest = point.history.first()
        assert latest.publication == "published"
        assert latest.history_user.username == "editor"
        assert latest.history_change_reason == "Published"

        demand = point.demands.get()
        editor_client.post(
            reverse("admin:explainer_demand_delete", args=[demand.pk]), {"post": "yes"}
        )
        assert Demand.history.filter(id=demand.pk, history_type="-").exists()

    def test_a_change_of_cited_passages_is_recorded(self, point):
        demand = point.demands.get()
        before = demand.history.first()
        demand.citations.add(make_citation(about=demand.party))
        after = demand.history.first()
        assert after.history_id != before.history_id
        assert "citations" in {c.field for c in after.diff_against(before).changes}


def test_a_revert_restores_the_passages_a_position_cited(editor_client, point):
    demand = point.demands.get()
    first = demand.citations.get()
    original = demand.history.first()
    later = make_citation(about=demand.party)
    demand.citations.set([later])
    url = reverse("admin:explainer_demand_simple_history", args=[demand.pk, original.pk])
    page = editor_client.get(url)
    assert page.context["adminform"].form.initial["citations"] == [first.pk]
    data = {
        "sticking_point": point.pk,
        "party": demand.party_id,
        "stated_by": original.stated_by,
        "summary": original.summary,
        "citations": [first.pk],
        "order": original.order,
        "loaded_version": page.context["adminform"].form.initial["loaded_version"],
    }
    assert editor_client.post(url, data).status_code == 302
    assert list(demand.citations.all()) == [first]


class TestReverts:
    def revert(self, client, obj, record, **data):
        meta = obj._meta
        url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_simple_history", args=[obj.pk, record.pk]
        )
        page = client.get(url)
        loaded = page.context["adminform"].form.initial["loaded_version"] if page.context else 0
        return client.post(url, {**data, "loaded_version": loaded})

    def test_only_those_who_may_change_an_object_may_revert_it(
        self, client, point, django_user_model
    ):
        viewer = django_user_model.objects.create_user(username="viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_stickingpoint"))
        client.force_login(viewer)
        record = point.history.first()
        url = reverse("admin:explainer_stickingpoint_simple_history", args=[point.pk, record.pk])
        response = client.post(url, {"title": "Vandalised", "slug": point.slug})
        assert response.status_code == 403
        assert StickingPoint.objects.get(pk=point.pk).title == "Pay"

    def source_data(self, source, text):
        return {
            "title": source.title,
            "slug": source.slug,
            "published_on": "2023-05-02",
            "published_precision": "day",
            "text": text,
        }

    def test_a_source_revert_that_would_unverify_a_cited_passage_is_refused(
        self, editor_client, point
    ):
        source = make_source(text="An early draft of the article.")
        old = source.history.first()
        source.text = "The finished article. Talks resumed in September."
        source.save()
        citation = make_citation(source=source, passage="Talks resumed in September.")
        point.demands.get().citations.add(citation)
        response = self.revert(editor_client, source, old, **self.source_data(source, old.text))
        assert response.status_code == 200
        assert "does not contain passages that are cited now" in str(
            response.context["adminform"].form.errors["text"]
        )
        assert Citation.objects.get(pk=citation.pk).is_verified

    def test_a_source_revert_moves_its_passages_with_the_text(self, client, editor_client, point):
        source = point.cited.get().source
        original = source.history.first()
        source.text = "A new first paragraph.\n\n" + source.text
        source.save()
        from explainer import citations

        citations.recheck(source=source)
        response = self.revert(
            editor_client, source, original, **self.source_data(source, original.text)
        )
        assert response.status_code == 302
        citation = Citation.objects.verified().get(pk=point.cited.get().pk)
        assert citation.printed == "Negotiators met for six weeks."

    def test_a_citation_revert_whose_passage_no_longer_matches_is_refused(
        self, editor_client, point
    ):
        citation = point.cited.get()
        source = citation.source
        source.text = source.text.replace("Negotiators met for six weeks.", "They met.")
        source.save()
        citation.passage = "They met."
        citation.save()
        original = citation.history.earliest()
        response = self.revert(
            editor_client,
            citation,
            original,
            source=source.pk,
            key=citation.key,
            passage=original.passage,
            kind=original.kind,
        )
        assert response.status_code == 200
        assert "does not occur in" in str(response.context["adminform"].form.errors)
        assert Citation.objects.get(pk=citation.pk).is_verified

    def test_reverting_a_renamed_key_rewrites_the_markers_back(self, editor_client, point):
        citation = point.cited.get()
        original = citation.history.first()
        old_key = citation.key
        citation.key = "renamed"
        citation.save()
        from explainer.editing import rename_markers

        rename_markers(citation=citation, old_key=old_key)
        response = self.revert(
            editor_client,
            citation,
            original,
            source=citation.source_id,
            key=old_key,
            passage=original.passage,
            kind=original.kind,
        )
        assert response.status_code == 302
        assert StickingPoint.objects.get(pk=point.pk).explanation.endswith(f"[^{old_key}]")

    def test_a_revert_comes_out_as_a_newer_version(self, editor_client, point):
        original = point.history.earliest()
        for text in ["One.", "Two."]:
            point.short_answer = text
            point.save()
        before = StickingPoint.objects.get(pk=point.pk).version
        data = {
            "title": point.title,
            "slug": point.slug,
            "question": point.question,
            "short_answer": original.short_answer,
            "explanation": point.explanation,
            "standing": point.standing,
            "publication": point.publication,
            "order": point.order,
        }
        assert self.revert(editor_client, point, original, **data).status_code == 302
        assert StickingPoint.objects.get(pk=point.pk).version == before + 1


def test_saving_again_after_a_conflict_keeps_the_other_editors_changes(
    editor_client, second_editor, point
):
    first_page = editor_client.get(change_url(point))
    second_page = second_editor.get(change_url(point))
    editor_client.post(change_url(point), form_data(first_page, point, short_answer="Theirs."))
    refused = second_editor.post(change_url(point), form_data(second_page, point, title="Mine"))
    assert refused.status_code == 200
    assert "Theirs.</textarea>" in refused.content.decode()  # their change is shown
    data = {k: v for k, v in refused.context["adminform"].form.data.lists()}
    data = {k: v if len(v) > 1 or k.endswith("citations") else v[0] for k, v in data.items()}
    for key in [k for k in data if k.startswith("demands-")]:
        data[key] = form_data(second_page, point)[key]
    assert second_editor.post(change_url(point), data).status_code == 302
    saved = StickingPoint.objects.get(pk=point.pk)
    assert (saved.title, saved.short_answer) == ("Mine", "Theirs.")


def test_a_position_changed_meanwhile_is_not_deleted_unseen(editor_client, second_editor, point):
    page = second_editor.get(change_url(point))
    demand = point.demands.get()
    demand.summary = "Edited meanwhile."
    demand.save()
    data = form_data(page, point, **{"demands-0-DELETE": "on"})
    data["demands-0-summary"] = "More pay."
    response = second_editor.post(change_url(point), data)
    assert response.status_code == 200
    assert "was changed after you opened this page" in response.content.decode()
    assert Demand.objects.filter(pk=demand.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_revert_runs_in_a_transaction_of_its_own(editor, client):
    """Without the test's own transaction around it, as on a real server."""
    client.force_login(editor)
    citation = make_citation()
    union = make_party(kind="union")
    point = make_sticking_point(explanation=f"x.[^{citation.key}]")
    demand = Demand.objects.create(sticking_point=point, party=union, summary="s")
    first = make_citation(about=union)
    demand.citations.add(first)
    original = demand.history.first()
    demand.citations.set([make_citation(about=union)])
    url = reverse("admin:explainer_demand_simple_history", args=[demand.pk, original.pk])
    page = client.get(url)
    response = client.post(
        url,
        {
            "sticking_point": point.pk,
            "party": union.pk,
            "stated_by": "party",
            "summary": "s",
            "citations": [first.pk],
            "order": 0,
            "loaded_version": page.context["adminform"].form.initial["loaded_version"],
        },
    )
    assert response.status_code == 302
    assert list(demand.citations.all()) == [first]


def test_loaddata_restores_rows_without_new_history_and_counts_one_change(seeded, tmp_path):
    from django.core import serializers
    from django.core.management import call_command

    from explainer.models import ContentVersion

    demand = Demand.objects.filter(citations__isnull=False).first()
    records = demand.history.count()
    version = ContentVersion.current()
    # The fixture links the position to other passages: its links change as it loads.
    other = Citation.objects.exclude(demands=demand).order_by("pk")[:2]
    data = serializers.serialize("json", [demand])
    linked = [c.pk for c in demand.citations.all()]
    data = data.replace(
        f'"citations": {linked}'.replace(" ", " "), f'"citations": {[c.pk for c in other]}'
    )
    assert str([c.pk for c in other]) in data
    fixture = tmp_path / "position.json"
    fixture.write_text(data)
    call_command("loaddata", str(fixture), verbosity=0)
    assert sorted(demand.citations.values_list("pk", flat=True)) == [c.pk for c in other]
    assert demand.history.count() == records
    epoch, count = version.split(".")
    assert ContentVersion.current() == f"{epoch}.{int(count) + 1}"
