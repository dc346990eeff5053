"""The seed content keeps the explainer's rules: who says what, our own words, dates that
claim no more than the sources, and what the sources say that readers need."""

import json
import re

import pytest
from django.urls import reverse

from explainer import citations
from explainer.copyguard import SourceIndex
from explainer.models import (
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)

REPORTED_NOT_SPOKEN = [
    "amptp-break-deadlock",
    "amptp-streaming-residual-improvements",
    "stentz-hopes-to-avoid-strike",
    "stentz-streaming-rate",
    "wga-cave",
    "amptp-comprehensive-proposal",
    "amptp-generous-increases",
    "six-weeks-negotiations",
    "script-writing-must-cease",
    "wga-jamming-not-bargaining",
]
# A sentence of ours that rests on unsigned reporting says whose claim it is.
ATTRIBUTION = re.compile(
    r"according to|\bsays?\b|\bsaid\b|\breports?\b|\breported\b|\bcall(?:s|ed)\b|"
    r"\bdescribe[sd]?\b|\baccuse[sd]?\b|\blist(?:s|ed)\b|\bname[sd]?\b|\bargues\b|"
    r"\brecalls\b|\btol[d]\b|\btells\b|\bthe articles\b|\bneither article\b|\bthe sources\b|"
    r"\barticle\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
MARKER = re.compile(r"\[\^[-\w]+\]")


def fixture_objects(settings):
    return json.loads((settings.BASE_DIR / "fixtures" / "seed.json").read_text())


class TestQuotesAndReports:
    def test_one_rule_classifies_every_passage(self, seeded):
        for citation in Citation.objects.select_related("source"):
            start = citation.position
            printed_as_words = citations.reads_as_quote(
                citation.source.text, start, start + citation.length
            )
            assert citation.is_quote == printed_as_words, citation.key

    def test_the_reviewed_narration_is_reported_not_spoken(self, seeded):
        for key in REPORTED_NOT_SPOKEN:
            citation = Citation.objects.get(key=key)
            assert citation.kind == "report" and citation.speaker is None, key

    def test_quotes_name_a_speaker_and_reports_none(self, seeded):
        assert not Citation.objects.filter(kind="quote", speaker=None).exists()
        assert not Citation.objects.filter(kind="report").exclude(speaker=None).exists()

    def test_the_wga_page_lists_only_its_direct_quotes_in_its_words(self, client, seeded):
        wga = Party.objects.get(short_name="WGA")
        response = client.get(wga.get_absolute_url())
        assert all(c.is_quote and c.speaker == wga for c in response.context["quotes"])
        # The page shows the first few reporters' accounts; the full list has them all.
        full_list = reverse("party_section", args=[wga.slug, "reports"])
        assert f'href="{full_list}"' in response.content.decode()
        reported = {c.key for c in client.get(full_list).context["items"]}
        assert {"wga-cave", "six-weeks-negotiations", "script-writing-must-cease"} <= reported
        html = response.content.decode()
        words = html.split('id="quotes-title"')[1].split("</section>")[0]
        assert "make writers" not in words

    def test_every_passage_is_shown_as_its_source_prints_it(self, seeded):
        for citation in Citation.objects.verified():
            source = Source.objects.get(pk=citation.source_id)
            start = citation.position
            assert citation.printed == source.text[start : start + citation.length]


class TestPositions:
    def test_every_position_is_borne_out_by_its_passages(self, seeded):
        for demand in Demand.objects.select_related("party"):
            cited = list(demand.citations.select_related("speaker", "about"))
            assert demand.attribution_error(cited) is None, demand

    @pytest.mark.parametrize(
        "slug",
        ["artificial-intelligence", "comedy-variety-day-rates", "free-work", "term-of-employment"],
    )
    def test_the_amptp_column_holds_no_wga_accusation(self, client, seeded, slug):
        amptp = Party.objects.get(short_name="AMPTP")
        columns = client.get(reverse("sticking_point_detail", args=[slug])).context["columns"]
        (column,) = [c for c in columns if c.party == amptp]
        for position in column.positions:
            assert position.stated_by != "other_side", position.summary
            sides = {
                (c.speaker or c.about).side
                for c in position.citations.all()
                if c.speaker_id or c.about_id
            }
            assert amptp in sides, position.summary
        if not column.positions:
            html = client.get(reverse("sticking_point_detail", args=[slug])).content.decode()
            assert "The sources report no position of the AMPTP on this point." in html

    def test_both_sides_have_a_column_on_every_point(self, client, seeded):
        sides = list(Party.objects.sides())
        assert [p.short_name for p in sides] == ["WGA", "AMPTP"]
        for point in StickingPoint.objects.published():
            columns = client.get(point.get_absolute_url()).context["columns"]
            assert [c.party for c in columns][:2] == sides


def our_sentences(text):
    text = MARKER.sub("", text or "")
    text = re.sub(r"^#+ .*$", "", text, flags=re.MULTILINE)
    for paragraph in text.split("\n\n"):
        for sentence in SENTENCE.split(paragraph.strip()):
            if sentence:
                yield sentence


class TestOurWords:
    def test_no_prose_copies_eight_words_of_a_source(self, seeded):
        index = SourceIndex(Source.objects.values_list("title", "text"))
        for model in [StickingPoint, Demand, Offer, OfferTerm, Event, Party, GlossaryTerm]:
            for obj in model.objects.all():
                for field in model.PROSE_FIELDS:
                    assert index.copied(getattr(obj, field)) is None, (obj, field)

    def test_every_claim_on_unsigned_reporting_is_attributed(self, seeded):
        assert all(source.is_unsigned for source in Source.objects.all())
        texts = []
        for point in StickingPoint.objects.all():
            texts += [(point, point.short_answer), (point, point.explanation)]
        texts += [(d, d.summary) for d in Demand.objects.all()]
        for offer in Offer.objects.all():
            texts += [(offer, offer.summary), (offer, offer.reception_summary)]
        texts += [(t, t.summary) for t in OfferTerm.objects.all()]
        texts += [(e, e.summary) for e in Event.objects.all()]
        unattributed = [
            (str(obj), sentence)
            for obj, text in texts
            for sentence in our_sentences(text)
            if not ATTRIBUTION.search(sentence)
        ]
        assert unattributed == []

    def test_sources_say_what_they_are(self, client, seeded):
        may = Source.objects.get(slug="hollywood-heading-for-shutdown")
        august = Source.objects.get(slug="hollywoods-drama-continues")
        assert (may.credits, may.names_sources, may.date_inferred) == (
            "The Associated Press",
            True,
            True,
        )
        assert (august.publisher, august.author, august.names_sources) == ("", "", False)
        html = client.get(reverse("citation_detail", args=["wga-cave"])).content.decode()
        assert "unsigned, no outlet named" in html
        assert "August 28, 2023" in html and "names no sources" in html


class TestDatesAndState:
    def test_the_home_page_states_the_date_the_account_runs_to(self, client, seeded):
        html = client.get(reverse("home")).content.decode()
        assert 'Where things stand, as of <time datetime="2023-08-28">August 28, 2023</time>' in (
            html
        )

    def test_every_point_states_its_as_of_date(self, client, seeded):
        for point in StickingPoint.objects.published().with_as_of():
            assert point.as_of is not None, point.slug
            html = client.get(point.get_absolute_url()).content.decode()
            assert f">{point.as_of}</time>" in html

    def test_seed_revision_dates_are_the_fixtures_not_the_load_time(self, seeded, settings):
        stamps = {
            (item["model"], item["pk"]): item["fields"]["updated_at"]
            for item in fixture_objects(settings)
            if "updated_at" in item["fields"]
        }
        assert stamps
        for point in StickingPoint.objects.all():
            fixture = stamps[("explainer.stickingpoint", point.pk)]
            assert point.updated_at.isoformat().startswith(fixture[:19]), point.slug

    def test_the_meeting_with_the_chiefs_is_dated_only_by_its_report(self, seeded):
        meeting = Event.objects.get(slug="wga-meets-disney-netflix")
        assert meeting.date_precision == "by"
        assert meeting.date_display == "By August 28, 2023"


class TestCorrections:
    def test_comedy_variety_is_contested_not_offer_free(self, seeded):
        point = StickingPoint.objects.get(slug="comedy-variety-day-rates")
        assert point.standing == StickingPoint.Standing.CONTESTED
        assert "created a daily rate" not in point.explanation + point.short_answer

    def test_pay_is_not_presented_as_gender_equity(self, seeded):
        point = StickingPoint.objects.get(slug="wages-and-equal-pay")
        assert "equal pay" not in (point.title + point.question + point.short_answer).lower()

    def test_the_home_page_claims_no_member_counts(self, client, seeded):
        html = client.get(reverse("home")).content.decode()
        assert not re.search(r"\d+ members?\b", html)

    def test_each_offer_reception_cites_only_what_reports_it(self, seeded):
        for offer in Offer.objects.all():
            assert offer.reception_citations.exists(), offer.slug
            assert set(offer.reception_citations.all()) != set(offer.citations.all())

    @pytest.mark.parametrize(
        "words",
        [
            "opened the door to writing as a fully independent profession",
            "could potentially delay the release of scripted shows and movies",
            "married to executives",
            "reaching a fair deal",
        ],
    )
    def test_what_the_sources_say_and_readers_need_is_cited(self, client, seeded, words):
        citation = next(c for c in Citation.objects.all() if words in c.passage)
        used = (
            citation.explained_points.exists()
            or citation.described_parties.exists()
            or citation.demands.exists()
            or citation.events.exists()
            or citation.offers.exists()
        )
        assert used, citation.key


def test_the_glossary_defines_the_words_readers_outside_hollywood_need(seeded):
    terms = {t.term.casefold().replace("’", "'") for t in GlossaryTerm.objects.all()}
    for term in [
        "residuals",
        "writers' room",
        "mini-room",
        "showrunner",
        "comedy-variety",
        "day rate",
        "episodic television",
        "term of employment",
        "amptp",
    ]:
        assert term in terms
