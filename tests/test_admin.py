import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from explainer.models import (
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    Note,
    Offer,
    OfferTerm,
    SearchEquivalent,
    StickingPoint,
)
from tests.conftest import make_citation, make_party, make_source, make_sticking_point

EXPLAINER_MODELS = [
    "source",
    "citation",
    "party",
    "stickingpoint",
    "demand",
    "offer",
    "offerterm",
    "event",
    "glossaryterm",
    "searchequivalent",
    "note",
]


@pytest.fixture
def content():
    """One of everything, so change pages have something to show."""
    citation = make_citation()
    wga, amptp = make_party(short_name="WGA"), make_party(kind="employers")
    point = make_sticking_point(explanation=f"Claim.[^{citation.key}]")
    demand = Demand.objects.create(sticking_point=point, party=wga, summary="More pay.")
    demand.citations.add(citation)
    offer = Offer.objects.create(
        title="Offer",
        slug="offer",
        party=amptp,
        recipient=wga,
        summary="s",
        date=datetime.date(2023, 8, 1),
        date_precision="month",
    )
    offer.citations.add(citation)
    term = OfferTerm.objects.create(offer=offer, sticking_point=point, summary="t")
    term.citations.add(citation)
    event = Event.objects.create(
        title="Strike",
        slug="strike",
        kind="strike",
        summary="s",
        date=datetime.date(2023, 5, 1),
        date_precision="month",
    )
    event.citations.add(citation)
    glossary_term = GlossaryTerm.objects.create(
        term="Residuals", slug="residuals", definition="Payments when work is shown again."
    )
    equivalent = SearchEquivalent.objects.create(phrases="AI, artificial intelligence")
    return {
        "glossaryterm": glossary_term,
        "searchequivalent": equivalent,
        "source": citation.source,
        "citation": citation,
        "party": wga,
        "stickingpoint": point,
        "demand": demand,
        "offer": offer,
        "offerterm": term,
        "event": event,
        "note": Note.objects.create(
            sticking_point=point,
            kind="correction",
            text="A date was wrong.",
            publication="published",
        ),
    }


@pytest.mark.parametrize("model", EXPLAINER_MODELS)
@pytest.mark.django_db
def test_editor_can_open_every_list_add_and_change_page(editor_client, content, model):
    obj = content[model]
    for url in [
        reverse(f"admin:explainer_{model}_changelist"),
        reverse(f"admin:explainer_{model}_add"),
        reverse(f"admin:explainer_{model}_change", args=[obj.pk]),
    ]:
        assert editor_client.get(url).status_code == 200, url


SEARCH_TERMS = {
    "source": "Article",
    "citation": "six weeks",
    "party": "WGA",
    "stickingpoint": "Claim",
    "demand": "More pay",
    "offer": "Offer",
    "offerterm": "Offer",
    "event": "Strike",
    "glossaryterm": "Residuals",
    "searchequivalent": "artificial",
    "note": "date was wrong",
}


@pytest.mark.parametrize("model", EXPLAINER_MODELS)
@pytest.mark.django_db
def test_editor_search_finds_the_object_and_a_miss_finds_nothing(editor_client, content, model):
    url = reverse(f"admin:explainer_{model}_changelist")
    hit = editor_client.get(url, {"q": SEARCH_TERMS[model]})
    assert content[model] in hit.context["cl"].result_list
    miss = editor_client.get(url, {"q": "zzzz-no-such-thing"})
    assert list(miss.context["cl"].result_list) == []


@pytest.mark.django_db
def test_editor_can_filter_sticking_points_by_publication(editor_client, content):
    draft = make_sticking_point(publication="draft")
    url = reverse("admin:explainer_stickingpoint_changelist")
    drafts = editor_client.get(url, {"publication__exact": "draft"}).context["cl"].result_list
    assert list(drafts) == [draft]


@pytest.mark.django_db
def test_editor_cannot_administer_users_or_groups(editor_client, editor):
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[editor.pk]),
        reverse("admin:auth_group_changelist"),
    ]:
        assert editor_client.get(url).status_code == 403, url


def test_editors_group_has_exactly_the_content_permissions(db):
    granted = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    expected = {
        ("explainer", f"{action}_{model}")
        for model in EXPLAINER_MODELS
        for action in ["add", "change", "delete", "view"]
    }
    assert granted == expected
    # History tables have permissions of their own, which nobody is granted: the
    # history pages go by the content's own permissions.
    content = Permission.objects.filter(content_type__app_label="explainer").exclude(
        codename__contains="historical"
    )
    assert content.count() == len(expected)


@pytest.mark.django_db
def test_a_passage_not_in_its_source_is_refused_next_to_the_passage_field(editor_client):
    source = make_source()
    response = editor_client.post(
        reverse("admin:explainer_citation_add"),
        {
            "source": source.pk,
            "key": "made-up",
            "passage": "Words the article never said.",
            "kind": "report",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["passage"]
    assert "does not occur in" in form.errors["passage"][0]
    assert "Words the article never said." in response.content.decode()  # nothing lost
    assert not Citation.objects.filter(key="made-up").exists()


@pytest.mark.django_db
def test_a_passage_with_straight_quotes_is_accepted_and_positioned(editor_client):
    source = make_source()
    response = editor_client.post(
        reverse("admin:explainer_citation_add"),
        {
            "source": source.pk,
            "key": "fair-deal",
            "passage": 'wanted "a fair deal" - nothing',
            "kind": "report",
        },
    )
    assert response.status_code == 302
    assert Citation.objects.get(key="fair-deal").position == source.text.index("wanted")


def source_form(source, **changes):
    data = {
        "title": source.title,
        "slug": source.slug,
        "publisher": "",
        "author": "",
        "published_on": "",
        "published_precision": "day",
        "url": "",
        "text": source.text,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    citations = list(source.citations.all())
    data["citations-TOTAL_FORMS"] = data["citations-INITIAL_FORMS"] = str(len(citations))
    for i, citation in enumerate(citations):
        data.update(
            {
                f"citations-{i}-id": citation.pk,
                f"citations-{i}-source": source.pk,
                f"citations-{i}-key": citation.key,
                f"citations-{i}-passage": citation.passage,
                f"citations-{i}-kind": citation.kind,
                f"citations-{i}-speaker": citation.speaker_id or "",
                f"citations-{i}-about": citation.about_id or "",
            }
        )
    data.update(changes)
    return data


@pytest.mark.django_db
def test_editing_a_source_saves_and_warns_about_citations_that_stop_matching(editor_client):
    source = make_source()
    citation = make_citation(source=source, passage="Talks failed on Monday.")
    url = reverse("admin:explainer_source_change", args=[source.pk])

    response = editor_client.post(
        url, source_form(source, text="Negotiators met. Talks broke down."), follow=True
    )

    source.refresh_from_db()
    citation.refresh_from_db()
    assert source.text == "Negotiators met. Talks broke down."
    assert not citation.is_verified
    shown = [str(message) for message in response.context["messages"]]
    assert any(f"no longer match this source's text: {citation.key}" in m for m in shown)
    listing = editor_client.get(reverse("admin:explainer_citation_changelist"), {"matches": "no"})
    assert list(listing.context["cl"].result_list) == [citation]


@pytest.mark.django_db
def test_an_unknown_marker_is_reported_on_the_explanation_field(editor_client):
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_add"),
        {
            "title": "AI",
            "slug": "ai",
            "question": "What is the fight over AI?",
            "short_answer": "Short.",
            "explanation": "A claim.[^missing-key]",
            "standing": "no_offer",
            "publication": "draft",
            "order": "10",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "demands-TOTAL_FORMS": "0",
            "demands-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["explanation"]
    assert "[^missing-key]" in form.errors["explanation"][0]
    assert "What is the fight over AI?" in response.content.decode()
    assert not StickingPoint.objects.exists()


@pytest.mark.django_db
def test_publish_action_refuses_a_point_without_citations(editor_client):
    ready = make_sticking_point(publication="draft")
    unready = make_sticking_point(publication="draft", explanation="No sources yet.")
    editor_client.post(
        reverse("admin:explainer_stickingpoint_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, unready.pk]},
    )
    ready.refresh_from_db()
    unready.refresh_from_db()
    assert ready.is_published
    assert not unready.is_published


@pytest.mark.django_db
def test_a_demand_without_citations_is_refused(editor_client):
    point, party = make_sticking_point(), make_party()
    response = editor_client.post(
        reverse("admin:explainer_demand_add"),
        {"sticking_point": point.pk, "party": party.pk, "summary": "More pay.", "order": 0},
    )
    assert "citations" in response.context["adminform"].form.errors
