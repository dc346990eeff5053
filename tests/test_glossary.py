"""The glossary: the explainer's own definitions, linked from a page's first use of each
term, opening in place with htmx and leading to the glossary page without it."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from explainer.glossary import Glossary, gloss
from explainer.models import Demand, GlossaryTerm
from tests.conftest import make_citation, make_party, make_source, make_sticking_point


class TermLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "term" in (attrs.get("class") or "").split():
            self._open = {**attrs, "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(self._open)
            self._open = None


def term_links(html):
    parser = TermLinks()
    parser.feed(html)
    return parser.links


@pytest.fixture
def terms(db):
    return [
        GlossaryTerm.objects.create(
            term="residuals",
            slug="residuals",
            variants="residual",
            definition="Payments to writers when their work is shown again.",
        ),
        GlossaryTerm.objects.create(
            term="writers' room",
            slug="writers-room",
            variants="writers' rooms",
            definition="The group of writers who write a series together.",
        ),
    ]


def test_only_the_first_use_on_a_page_is_linked(terms):
    glossary = Glossary(terms)
    first = gloss("Residuals matter. So do residuals.", glossary)
    second = gloss("More on residuals.", glossary)
    assert [link["text"] for link in term_links(first)] == ["Residuals"]
    assert term_links(second) == []


def test_either_apostrophe_and_escaped_text_match(terms):
    html = gloss("The writers’ room rule and the writers' rooms.", Glossary(terms))
    assert [link["text"] for link in term_links(html)] == ["writers’ room"]
    assert "&#x27;" in gloss("The writers' rooms.", Glossary(terms))


def test_words_inside_other_words_links_and_headings_are_left_alone(terms):
    html = '<h3>Residuals</h3><p><a href="/x">residuals</a> and nonresiduals</p>'
    from django.utils.safestring import mark_safe

    # Stands for sanitised Markdown, which the filter receives marked safe.
    assert term_links(gloss(mark_safe(html), Glossary(terms))) == []  # noqa: S308


def test_plain_text_is_escaped_before_linking(terms):
    html = gloss("<script>alert(1)</script> residuals", Glossary(terms))
    assert "<script>" not in html
    assert len(term_links(html)) == 1


def test_a_term_links_to_the_glossary_and_opens_its_definition_in_place(terms):
    (link,) = term_links(gloss("residuals", Glossary(terms)))
    assert link["href"] == reverse("glossary") + "#term-residuals"
    assert link["data-hx-get"] == reverse("glossary_term", args=["residuals"])


def test_the_sticking_point_page_links_a_term_once_across_its_sections(client, terms):
    citation = make_citation()
    point = make_sticking_point(
        short_answer="It is about residuals.",
        explanation=f"Residuals are paid on reruns.[^{citation.key}]",
    )
    union = make_party(kind="union")
    Demand.objects.create(
        sticking_point=point, party=union, summary="Higher residuals."
    ).citations.add(make_citation(about=union))
    links = term_links(client.get(point.get_absolute_url()).content.decode())
    assert [link["text"] for link in links] == ["residuals"]


def test_the_glossary_page_marks_definitions_as_the_explainers_own(client, terms):
    html = client.get(reverse("glossary")).content.decode()
    assert 'id="term-residuals"' in html and 'id="term-writers-room"' in html
    assert "they are not claims from the sources" in html


def test_the_preview_fragment_is_a_labelled_dialog(client, terms):
    response = client.get(
        reverse("glossary_term", args=["residuals"]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<span class="preview preview--term" role="dialog"')
    assert 'aria-label="Definition of residuals"' in html
    assert "not a claim from the sources" in html


def test_an_unknown_term_is_404(client, db):
    assert client.get(reverse("glossary_term", args=["nope"])).status_code == 404


def test_a_definition_may_not_copy_a_source(db):
    make_source(text="Streaming pays at a much lower rate overall than cable broadcast.")
    term = GlossaryTerm(
        term="streaming",
        slug="streaming",
        definition="Streaming pays at a much lower rate overall than cable broadcast, people say.",
    )
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "copied from" in error.value.message_dict["definition"][0]
