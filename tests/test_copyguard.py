"""Our prose never copies eight or more consecutive words of a source outside quotation
marks: saving such text is refused with the run quoted and the source named."""

import pytest
from django.urls import reverse

from explainer.copyguard import SourceIndex
from explainer.models import Demand, StickingPoint
from tests.conftest import make_citation, make_party, make_source, make_sticking_point

SOURCE = (
    "The companies’ behavior created a gig economy in a union workforce, the guild said. "
    "Negotiations took place at the headquarters in Sherman Oaks."
)
INDEX = SourceIndex([("The May article", SOURCE)])


def test_eight_copied_words_are_found_with_their_source():
    run, name = INDEX.copied("We think behavior created a gig economy in a union workforce.")
    assert " ".join(run) == "behavior created a gig economy in a union workforce"
    assert name == "The May article"


def test_seven_words_are_not_a_copy():
    assert INDEX.copied("It says it created a gig economy in a union, they say.") is None


def test_typography_and_case_do_not_hide_a_copy():
    text = "THE COMPANIES' BEHAVIOR CREATED A GIG ECONOMY — IN A UNION."
    assert INDEX.copied(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        'The guild says the "behavior created a gig economy in a union workforce".',
        "The guild says the “behavior created a gig economy in a union workforce”.",
    ],
)
def test_quoted_words_are_allowed(text):
    assert INDEX.copied(text) is None


def test_a_markdown_blockquote_is_a_quotation_but_a_plain_text_angle_bracket_is_not():
    text = "> The companies’ behavior created a gig economy in a union workforce"
    assert INDEX.copied(text, markdown=True) is None
    assert INDEX.copied(text) is not None


def test_a_lone_straight_mark_quotes_nothing():
    text = 'A 2" cut: behavior created a gig economy in a union workforce, the "guild" said.'
    assert INDEX.copied(text) is not None


def test_a_quotation_never_runs_past_its_paragraph():
    text = "It said “behavior created.\n\nBehavior created a gig economy in a union workforce."
    assert INDEX.copied(text) is not None


def test_a_quotation_breaks_a_run():
    # Four words, a quotation, four words: no eight in a row are ours.
    text = 'Negotiations took place at "the" headquarters in Sherman Oaks.'
    assert INDEX.copied(text) is None


def test_a_marker_does_not_hide_a_copy():
    # Readers see the words either side of a marker as one run.
    text = "Negotiations took place at[^x] the headquarters in Sherman Oaks."
    assert INDEX.copied(text) is not None


@pytest.mark.django_db
def test_saving_copied_prose_is_refused_next_to_the_field_and_keeps_the_typing(editor_client):
    make_source(title="The May article", text=SOURCE)
    citation = make_citation(passage="Negotiators met for six weeks.")
    explanation = (
        "The guild says behavior created a gig economy in a union workforce.[^"
        + citation.key
        + "]"
    )
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_add"),
        {
            "title": "Gig work",
            "slug": "gig-work",
            "question": "Is writing becoming gig work?",
            "short_answer": "The guild says so.",
            "explanation": explanation,
            "standing": "no_offer",
            "publication": "draft",
            "order": 1,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "demands-TOTAL_FORMS": "0",
            "demands-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["explanation"]
    assert "“behavior created a gig economy in a union workforce”" in errors["explanation"][0]
    assert "The May article" in errors["explanation"][0]
    assert "The guild says behavior created a gig economy" in response.content.decode()
    assert not StickingPoint.objects.filter(slug="gig-work").exists()


@pytest.mark.django_db
def test_an_inline_positions_copied_words_are_refused_on_that_position(editor_client):
    make_source(title="The May article", text=SOURCE)
    point = make_sticking_point(publication="draft")
    union = make_party(kind="union")
    citation = make_citation(passage="Negotiators met for six weeks.", about=union)
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_change", args=[point.pk]),
        {
            "title": point.title,
            "slug": point.slug,
            "question": point.question,
            "short_answer": point.short_answer,
            "explanation": point.explanation,
            "standing": "no_offer",
            "publication": "draft",
            "order": 1,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "demands-TOTAL_FORMS": "1",
            "demands-INITIAL_FORMS": "0",
            "demands-0-party": union.pk,
            "demands-0-stated_by": "party",
            "demands-0-summary": "Negotiations took place at the headquarters in Sherman Oaks.",
            "demands-0-citations": [citation.pk],
            "demands-0-order": 0,
        },
    )
    assert response.status_code == 200
    _, inline = response.context["inline_admin_formsets"]  # notes, then positions
    assert "copied from “The May article”" in inline.formset.forms[0].errors["summary"][0]
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_reordering_points_in_the_list_works_even_if_a_later_source_matches_one(
    editor_client,
):
    point = make_sticking_point(
        short_answer="Negotiations took place at the headquarters in Sherman Oaks."
    )
    make_source(title="A later article", text=SOURCE)
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": point.pk,
            "form-0-order": "7",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.order == 7
