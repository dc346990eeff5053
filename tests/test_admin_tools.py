"""The admin helps editors: a live preview, a quote picker, choosers that show passages,
what needs attention, and dates whose precision is always chosen."""

import pytest
from django.urls import reverse

from explainer.models import Demand, Event
from tests.conftest import make_citation, make_party, make_source, make_sticking_point

pytestmark = pytest.mark.django_db


def test_the_preview_shows_the_reader_view_with_numbered_sources(editor_client):
    citation = make_citation(key="six-weeks")
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_preview"),
        {"explanation": "They met *for weeks*.[^six-weeks]"},
    )
    html = response.content.decode()
    assert "<em>for weeks</em>" in html
    assert 'href="#ref-1"' in html
    assert f"“{citation.passage}”" in html


def test_the_preview_shows_what_would_stop_a_save(editor_client):
    make_source(text="The companies’ behavior created a gig economy in a union workforce.")
    response = editor_client.post(
        reverse("admin:explainer_stickingpoint_preview"),
        {"explanation": "<iframe> behavior created a gig economy in a union workforce[^nope]"},
    )
    html = response.content.decode()
    assert "Raw HTML is not allowed" in html


def test_the_preview_is_for_editors_only(client, django_user_model):
    url = reverse("admin:explainer_stickingpoint_preview")
    assert client.post(url, {"explanation": "x"}).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.post(url, {"explanation": "x"}).status_code == 403


def test_only_editors_who_may_see_sources_use_the_quote_picker(client, django_user_model):
    source = make_source()
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    url = reverse("admin:explainer_citation_sentences")
    assert client.get(url, {"source": source.pk, "find": "six"}).status_code == 403


@pytest.mark.parametrize("source", ["abc", "1.5", "-1", "99999", "\u00b2", "9" * 30, "9" * 5000])
def test_odd_sources_in_the_quote_picker_are_no_error(editor_client, source):
    response = editor_client.get(
        reverse("admin:explainer_citation_sentences"), {"source": source, "find": "six"}
    )
    assert response.status_code == 200
    assert "Choose the source first." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/explainer/source/abc/history/",
        "/admin/explainer/stickingpoint/1/history/abc/",
        "/admin/explainer/stickingpoint/abc/history/1/",
        "/admin/explainer/stickingpoint/1/history/\u00b2/",  # superscript two
        f"/admin/explainer/stickingpoint/1/history/{'1' * 30}/",
        f"/admin/explainer/stickingpoint/1/history/{'1' * 5000}/",
        f"/admin/explainer/stickingpoint/{'1' * 5000}/history/",
    ],
)
def test_odd_history_addresses_are_404(editor_client, url):
    assert editor_client.get(url).status_code == 404


def test_history_pages_carry_no_inline_style(editor_client):
    point = make_sticking_point()
    html = editor_client.get(
        reverse("admin:explainer_stickingpoint_history", args=[point.pk])
    ).content.decode()
    assert "style=" not in html


def test_the_quote_picker_finds_sentences_with_every_word_as_printed(editor_client):
    source = make_source()
    response = editor_client.get(
        reverse("admin:explainer_citation_sentences"), {"source": source.pk, "find": "SIX weeks"}
    )
    html = response.content.decode()
    assert "Negotiators met for six weeks." in html
    assert "fair deal" not in html


def test_the_quote_picker_asks_for_a_source_first(editor_client):
    response = editor_client.get(reverse("admin:explainer_citation_sentences"), {"find": "x"})
    assert "Choose the source first." in response.content.decode()


def test_citation_choosers_show_the_passage_not_only_the_key(editor_client):
    citation = make_citation(key="six-weeks")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "six",
            "app_label": "explainer",
            "model_name": "demand",
            "field_name": "citations",
        },
    )
    (result,) = response.json()["results"]
    assert result["text"] == f"six-weeks: {citation.passage}"


def test_the_admin_home_lists_what_needs_attention(editor_client):
    union = make_party(kind="union")
    make_party(kind="employers", short_name="AMPTP")
    point = make_sticking_point(title="Pay")
    Demand.objects.create(sticking_point=point, party=union, summary="d").citations.add(
        make_citation(about=union)
    )
    draft = make_sticking_point(title="Unfinished", publication="draft")
    source = make_source(title="Edited later")
    broken = make_citation(source=source, key="lost-passage", passage="Talks failed on Monday.")
    source.text = "Something else entirely."
    source.save()
    from explainer import citations

    citations.recheck(source=source)
    html = editor_client.get(reverse("admin:index")).content.decode()
    panel = html.split('id="attention-title"')[1].split("</section>")[0]
    assert "lost-passage" in panel and broken.source.title in panel
    assert "Pay</a>: none from AMPTP" in panel
    assert "Unfinished" in panel and draft.get_absolute_url() not in panel


def test_an_event_needs_its_date_precision_chosen(editor_client):
    response = editor_client.post(
        reverse("admin:explainer_event_add"),
        {
            "title": "Talks",
            "slug": "talks",
            "kind": "negotiation",
            "summary": "Talks resumed, one report says.",
            "date": "2023-08-01",
            "citations": [make_citation().pk],
        },
    )
    assert response.status_code == 200
    assert "date_precision" in response.context["adminform"].form.errors
    assert not Event.objects.exists()
    page = editor_client.get(reverse("admin:explainer_event_add")).content.decode()
    assert '<option value="" selected>- Select an option -</option>' in page
