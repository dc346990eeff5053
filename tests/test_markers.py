import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from explainer import citations
from explainer.models import StickingPoint
from tests.conftest import make_citation, make_party, make_source, make_sticking_point


def test_markers_are_found_in_order_of_first_use():
    text = "One.[^b] Two.[^a] Again.[^b]"
    assert citations.find_markers(text) == ["b", "a"]


@pytest.mark.django_db
def test_an_unknown_marker_is_an_error_on_the_explanation_naming_the_marker():
    citation = make_citation()
    point = make_sticking_point(explanation=f"Fine.[^{citation.key}]")
    point.explanation = f"Fine.[^{citation.key}] Typo.[^no-such-key]"

    with pytest.raises(ValidationError) as error:
        point.full_clean()

    messages = error.value.message_dict["explanation"]
    assert len(messages) == 1
    assert "[^no-such-key]" in messages[0]


@pytest.mark.django_db
def test_a_marker_citing_a_broken_citation_is_an_error():
    source = make_source()
    citation = make_citation(source=source, passage="six weeks")
    source.text = "Nothing to see."
    citations.recheck(source=source)
    point = StickingPoint(
        title="T", slug="t", question="Q?", short_answer="A.", explanation=f"X.[^{citation.key}]"
    )

    with pytest.raises(ValidationError) as error:
        point.full_clean()

    assert "no longer matches its source" in error.value.message_dict["explanation"][0]


@pytest.mark.django_db
def test_a_published_explanation_needs_a_citation():
    point = StickingPoint(
        title="T",
        slug="t",
        question="Q?",
        short_answer="A.",
        explanation="An uncited claim.",
        publication=StickingPoint.Publication.PUBLISHED,
    )
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert "at least one citation" in error.value.message_dict["explanation"][0]


@pytest.mark.django_db
def test_a_draft_may_be_saved_without_citations_yet():
    point = StickingPoint(
        title="T", slug="t", question="Q?", short_answer="A.", explanation="Work in progress."
    )
    point.full_clean()


@pytest.mark.parametrize(
    "raw",
    [
        '<iframe src="https://example.com">',
        "<math><mi>x</mi>",
        "<!-- a note to myself",
        "<div class=x>",
    ],
)
def test_raw_html_that_could_swallow_the_rest_is_refused_and_the_typing_kept(editor_client, raw):
    citation = make_citation()
    explanation = f"Before. {raw} After the tag, words readers must see.[^{citation.key}]"
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_add"),
        {
            "title": "Raw",
            "slug": "raw",
            "question": "Raw?",
            "short_answer": "Short.",
            "explanation": explanation,
            "standing": "no_offer",
            "publication": "published",
            "order": 1,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "demands-TOTAL_FORMS": "0",
            "demands-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["explanation"][0]
    assert "Raw HTML is not allowed here" in error
    assert "After the tag, words readers must see." in response.content.decode()


def test_html_shown_as_code_is_allowed(db):
    citation = make_citation()
    point = make_sticking_point(explanation=f"Embed with `<iframe>` tags.[^{citation.key}]")
    point.full_clean()
    assert "&lt;iframe&gt;" in point.explanation_html


def test_a_rendering_that_loses_words_or_markers_is_refused(monkeypatch):
    from explainer import markdown

    monkeypatch.setattr(markdown, "render_markdown", lambda text: "<p>Only the start</p>")
    (message,) = markdown.problems("Only the start, then more.[^cite-1]")
    assert "“[^cite-1]”" in message and "“then”" in message


def test_a_party_description_is_checked_the_same_way(db):
    party = make_party(description="Who they are. <math>")
    with pytest.raises(ValidationError) as error:
        party.full_clean()
    assert "Raw HTML" in error.value.message_dict["description"][0]
