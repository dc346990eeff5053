"""Open data: every public claim as JSON that validates against the published schema,
and as CSV; never a source's full text, never a draft."""

import csv
import io

import jsonschema
import pytest
from django.urls import reverse

from explainer.models import Source, StickingPoint
from tests.conftest import make_bulk_content, make_sticking_point
from tests.test_notes import make_note

pytestmark = pytest.mark.django_db


def download(client, extension):
    response = client.get(reverse("open_data", args=[extension]))
    assert response.status_code == 200
    return response


def schema(client):
    response = client.get(reverse("open_data_schema", args=["1.0"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    return response.json()


class TestJSON:
    def test_the_seed_validates_against_the_published_schema(self, client, seeded):
        data = download(client, "json").json()
        published = schema(client)
        jsonschema.Draft202012Validator.check_schema(published)
        jsonschema.validate(data, published, format_checker=jsonschema.FormatChecker())
        assert data["$schema"] == "http://testserver/data/schema/1.0.json"
        assert published["$id"] == data["$schema"]

    def test_an_invalid_export_would_fail_the_schema(self, client, seeded):
        data = download(client, "json").json()
        data["sticking_points"][0]["positions"][0]["stated_by"] = "the studios"
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema(client))

    def test_holds_every_claim_with_who_holds_and_states_it_and_its_passages(self, client, seeded):
        data = download(client, "json").json()
        assert data["as_of"] == "2023-08-28"
        assert data["licence"]["name"] == "CC BY 4.0"
        assert len(data["sticking_points"]) == StickingPoint.objects.published().count()
        staffing = next(p for p in data["sticking_points"] if p["id"] == "minimum-staffing")
        assert "other_side" in {p["stated_by"] for p in staffing["positions"]}
        parties = {p["id"] for p in data["parties"]}
        assert {p["party"] for p in staffing["positions"]} <= parties
        counter = next(o for o in data["offers"] if o["id"] == "amptp-august-counteroffer")
        assert counter["reception"] == "rejected"
        assert {t["sticking_point"] for t in counter["terms"]} >= {"minimum-staffing"}
        citations = {c["id"]: c for c in data["citations"]}
        every_key = {k for p in data["sticking_points"] for k in p["explanation_citations"]}
        every_key |= {k for o in data["offers"] for k in o["citations"]}
        every_key |= {k for e in data["events"] for k in e["citations"]}
        assert every_key <= set(citations)
        sources = {s.slug: s for s in Source.objects.all()}
        for citation in citations.values():
            text = sources[citation["source"]].text
            start = citation["position"]
            assert text[start : start + citation["length"]] == citation["passage"]

    def test_never_holds_a_sources_full_text(self, client, seeded):
        body = download(client, "json").content.decode()
        for source in Source.objects.all():
            assert source.text not in body
            paragraphs = [p for p in source.text.split("\n\n") if len(p) > 400]
            assert paragraphs and not any(p in body for p in paragraphs)

    def test_drafts_and_their_notes_stay_out(self, client, seeded):
        draft = make_sticking_point(publication="draft", question="Secret question?")
        make_note(draft, text="Secret correction.")
        body = download(client, "json").content.decode()
        assert "Secret question?" not in body and "Secret correction." not in body

    def test_is_cached_like_the_pages_and_names_its_date_and_licence(self, client, seeded):
        first = download(client, "json")
        assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
        assert (
            'filename="wga-2023-strike-explainer-as-of-2023-08-28.json"'
            in (first["Content-Disposition"])
        )
        assert first["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
        again = client.get(
            reverse("open_data", args=["json"]), headers={"If-None-Match": first["ETag"]}
        )
        assert again.status_code == 304
        point = StickingPoint.objects.get(slug="free-work")
        point.short_answer = "A new short answer."
        point.save()
        changed = download(client, "json")
        assert changed["ETag"] != first["ETag"]
        assert "A new short answer." in changed.content.decode()

    def test_queries_do_not_grow_with_the_content(self, client, django_assert_max_num_queries):
        make_bulk_content(30)
        with django_assert_max_num_queries(22):
            assert download(client, "json").status_code == 200

    def test_an_unknown_schema_version_is_a_404(self, client, db):
        assert client.get("/data/schema/9.0.json").status_code == 404
        assert client.get("/data/explainer.xml").status_code == 404


class TestCSV:
    def test_one_row_per_claim_and_passage_with_its_source_and_date(self, client, seeded):
        response = download(client, "csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        data = download(client, "json").json()
        passages = {c["id"]: c["passage"] for c in data["citations"]}
        assert {row["as_of"] for row in rows} == {"2023-08-28"}
        assert all("CC BY 4.0" in row["licence"] for row in rows)
        positions = [r for r in rows if r["claim"] == "position"]
        assert {r["stated_by"] for r in positions} <= {"party", "other_side", "reporter"}
        for row in rows:
            if row["citation"]:
                assert row["passage"] == passages[row["citation"]]
                assert row["source_title"] and row["position"]
        claims = {row["claim"].split(":")[0] for row in rows}
        assert claims >= {"explanation", "position", "offer", "reception", "offer_term", "event"}
        assert not any(source.text in response.content.decode() for source in Source.objects.all())


def test_the_about_page_documents_the_downloads_and_is_in_the_footer(client, seeded):
    html = client.get(reverse("about")).content.decode()
    for link in ["/data/explainer.json", "/data/explainer.csv", "/data/schema/1.0.json"]:
        assert f'href="{link}"' in html
    assert 'as of <time datetime="2023-08-28">' in html
    assert 'id="corrections"' in html
    footer = client.get("/").content.decode().split('class="site-footer"')[1]
    for link in ["/about/", "/data/explainer.json", "/data/explainer.csv", "/changes/"]:
        assert f'href="{link}"' in footer
