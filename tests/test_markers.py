import pytest
from django.core.exceptions import ValidationError

from explainer import citations
from explainer.models import StickingPoint
from tests.conftest import make_citation, make_source, make_sticking_point


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
