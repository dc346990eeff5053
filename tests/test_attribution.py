"""Who says what: quotes apart from reporters' accounts, positions in the column of the
side that holds them, and passages shown exactly as their source prints them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from explainer.models import Citation, Demand, Party
from tests.conftest import make_citation, make_party, make_source, make_sticking_point

TEXT = (
    "The WGA said the studios blocked progress on AI. “We want a fair deal — nothing "
    "less,” the WGA said.\n\n"
    "The AMPTP said it offered “generous” raises. “Our offer stands,” the AMPTP said."
)


@pytest.fixture
def dispute(db):
    source = make_source(text=TEXT, published_on=datetime.date(2023, 8, 28))
    wga = make_party(name="Writers Guild of America", short_name="WGA", kind="union")
    amptp = make_party(name="Producers' alliance", short_name="AMPTP", kind="employers")
    accusation = make_citation(
        source=source,
        key="wga-accuses",
        passage="The WGA said the studios blocked progress on AI.",
        about=wga,
    )
    wga_quote = make_citation(
        source=source,
        key="wga-fair-deal",
        passage='We want a fair deal - nothing less,"',
        speaker=wga,
    )
    amptp_report = make_citation(
        source=source,
        key="amptp-raises",
        passage='The AMPTP said it offered "generous" raises.',
        about=amptp,
    )
    point = make_sticking_point(
        title="AI",
        slug="ai",
        question="What is the fight over AI?",
        explanation="The WGA says the studios blocked progress.[^wga-accuses]",
    )
    # The WGA's accusation is the WGA's position, in the WGA's column.
    Demand.objects.create(
        sticking_point=point, party=wga, summary="It says the studios blocked progress."
    ).citations.add(accusation)
    return {
        "source": source,
        "wga": wga,
        "amptp": amptp,
        "point": point,
        "accusation": accusation,
        "wga_quote": wga_quote,
        "amptp_report": amptp_report,
    }


class TestCitationKinds:
    def test_a_quote_needs_its_speaker(self, dispute):
        citation = Citation(source=dispute["source"], key="k", passage="Our offer stands,")
        citation.kind = Citation.Kind.QUOTE
        with pytest.raises(ValidationError) as error:
            citation.full_clean()
        assert "speaker" in error.value.message_dict

    def test_a_report_has_no_speaker(self, dispute):
        citation = Citation(
            source=dispute["source"],
            key="k",
            passage="The WGA said the studios blocked progress on AI.",
            kind=Citation.Kind.REPORT,
            speaker=dispute["wga"],
        )
        with pytest.raises(ValidationError) as error:
            citation.full_clean()
        assert "speaker" in error.value.message_dict

    def test_relayed_speech_cannot_be_saved_as_a_quote(self, editor_client, dispute):
        response = editor_client.post(
            reverse("admin:explainer_citation_add"),
            {
                "source": dispute["source"].pk,
                "key": "not-their-words",
                "passage": "The WGA said the studios blocked progress on AI.",
                "kind": "quote",
                "speaker": dispute["wga"].pk,
            },
        )
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert "not in quotation marks" in form.errors["kind"][0]
        assert "The WGA said the studios blocked progress on AI." in response.content.decode()
        assert not Citation.objects.filter(key="not-their-words").exists()

    def test_the_database_refuses_a_quote_without_a_speaker(self, dispute):
        with pytest.raises(Exception, match="quote_has_speaker_report_has_none"):
            make_citation(
                source=dispute["source"], passage="Our offer stands,", kind="quote", speaker=None
            )


class TestPartyPage:
    def test_in_their_words_lists_only_direct_quotes(self, client, dispute):
        html = client.get(dispute["wga"].get_absolute_url()).content.decode()
        words = html.split('id="quotes-title"')[1].split("</section>")[0]
        assert "We want a fair deal — nothing less,”" in words
        assert "blocked progress on AI" not in words

    def test_reporters_accounts_appear_apart_labelled_with_their_source(self, client, dispute):
        html = client.get(dispute["wga"].get_absolute_url()).content.decode()
        reports = html.split('id="reports-title"')[1].split("</section>")[0]
        assert "The WGA said the studios blocked progress on AI." in reports
        assert "Reporter’s account" in reports
        assert dispute["source"].title in reports
        assert "fair deal" not in reports

    def test_a_party_with_no_quote_says_so(self, client, dispute):
        html = client.get(dispute["amptp"].get_absolute_url()).content.decode()
        assert "The sources print no words as the AMPTP’s own." in html


class TestColumns:
    def columns(self, client, point):
        return client.get(point.get_absolute_url()).context["columns"]

    def test_every_side_has_a_column_and_an_accusation_stays_with_its_claimant(
        self, client, dispute
    ):
        wga, amptp = self.columns(client, dispute["point"])
        assert (wga.party, amptp.party) == (dispute["wga"], dispute["amptp"])
        assert [p.summary for p in wga.positions] == ["It says the studios blocked progress."]
        assert amptp.positions == []

    def test_a_side_with_nothing_reported_says_so_plainly(self, client, dispute):
        response = client.get(dispute["point"].get_absolute_url())
        assert "The sources report no position of the AMPTP on this point." in (
            response.content.decode()
        )

    @pytest.mark.parametrize(
        ("stated_by", "label"),
        [
            ("party", "Stated by the WGA"),
            ("other_side", "Stated by the AMPTP, the other side"),
            ("reporter", "Stated by a reporter, not by the WGA"),
        ],
    )
    def test_each_position_says_who_states_it(self, client, dispute, stated_by, label):
        Demand.objects.filter(party=dispute["wga"]).update(stated_by=stated_by)
        response = client.get(dispute["point"].get_absolute_url())
        assert label in response.content.decode()

    def test_a_position_no_one_on_its_side_states_is_flagged(self, client, dispute):
        Demand.objects.filter(party=dispute["wga"]).update(stated_by="other_side")
        html = client.get(dispute["point"].get_absolute_url()).content.decode()
        assert "The sources report nothing the WGA itself has said on this point." in html

    def test_the_card_and_party_page_word_positions_the_same_way(self, client, dispute):
        Demand.objects.filter(party=dispute["wga"]).update(stated_by="other_side")
        card = client.get(reverse("embed_card", args=["ai"])).content.decode()
        assert "Stated by the AMPTP, the other side:" in card
        assert "The sources report no position of the AMPTP on this point." in card
        party = client.get(dispute["wga"].get_absolute_url()).content.decode()
        assert "Stated by the AMPTP, the other side" in party


class TestStatedByIsChecked:
    def post_position(self, editor_client, dispute, party, stated_by, citation):
        demand = Demand.objects.create(
            sticking_point=dispute["point"], party=party, summary="Draft."
        )
        demand.citations.add(citation)
        return editor_client.post(
            reverse("admin:explainer_demand_change", args=[demand.pk]),
            {
                "sticking_point": dispute["point"].pk,
                "party": party.pk,
                "stated_by": stated_by,
                "summary": "The studios blocked progress on AI.",
                "citations": [citation.pk],
                "order": 0,
            },
        )

    def test_an_accusation_cannot_be_filed_as_the_accused_sides_own_statement(
        self, editor_client, dispute
    ):
        response = self.post_position(
            editor_client, dispute, dispute["amptp"], "party", dispute["accusation"]
        )
        assert response.status_code == 200
        error = response.context["adminform"].form.errors["stated_by"][0]
        assert "None of the cited passages quotes the AMPTP" in error
        assert "The studios blocked progress on AI." in response.content.decode()

    def test_a_position_stated_by_the_other_side_must_cite_the_other_side(
        self, editor_client, dispute
    ):
        response = self.post_position(
            editor_client, dispute, dispute["wga"], "other_side", dispute["wga_quote"]
        )
        assert (
            "None of the cited passages quotes or reports the other side"
            in (response.context["adminform"].form.errors["stated_by"][0])
        )

    def test_a_bystander_is_not_the_other_side(self, dispute):
        critic = make_party(name="A critic", kind="person")
        remark = make_citation(
            source=dispute["source"], passage="Our offer stands,", speaker=critic
        )
        position = Demand(party=dispute["wga"], stated_by="other_side")
        assert position.attribution_error([remark]) is not None

    def test_a_member_speaking_for_themselves_does_not_state_the_unions_position(self, dispute):
        writer = make_party(name="A writer", kind="person", parent=dispute["wga"])
        remark = make_citation(
            source=dispute["source"], passage="We want a fair deal", speaker=writer
        )
        assert Demand(party=dispute["wga"], stated_by="party").attribution_error([remark])
        branch = make_party(name="West", kind="branch", parent=dispute["wga"])
        statement = make_citation(
            source=dispute["source"], passage="We want a fair deal", speaker=branch
        )
        assert (
            Demand(party=dispute["wga"], stated_by="party").attribution_error([statement]) is None
        )

    def test_recasting_a_cited_passage_that_a_position_relies_on_is_refused(
        self, editor_client, dispute
    ):
        citation = dispute["accusation"]
        response = editor_client.post(
            reverse("admin:explainer_citation_change", args=[citation.pk]),
            {
                "source": dispute["source"].pk,
                "key": citation.key,
                "passage": citation.passage,
                "kind": "report",
                "about": dispute["amptp"].pk,
            },
        )
        assert response.status_code == 200
        error = response.context["adminform"].form.errors["kind"][0]
        assert "WGA on “AI”" in error
        citation.refresh_from_db()
        assert citation.about == dispute["wga"]

    def test_a_position_its_passages_bear_out_is_saved(self, editor_client, dispute):
        response = self.post_position(
            editor_client, dispute, dispute["amptp"], "party", dispute["amptp_report"]
        )
        assert response.status_code == 302


class TestPassagesAsPrinted:
    """Readers see the source's characters, whatever typography the editor typed."""

    # The source's own dash; the closing mark the editor copied is the page's to supply.
    PRINTED = "We want a fair deal — nothing less,"

    def test_on_the_party_page_reference_list_and_preview(self, client, dispute):
        assert dispute["wga_quote"].passage != self.PRINTED
        for url in [
            dispute["wga"].get_absolute_url(),
            reverse("citation_detail", args=["wga-fair-deal"]),
            dispute["source"].get_absolute_url(),
        ]:
            assert f"“{self.PRINTED}”" in client.get(url).content.decode(), url
        preview = client.get(
            reverse("citation_detail", args=["wga-fair-deal"]), headers={"HX-Request": "true"}
        )
        assert f"“{self.PRINTED}”" in preview.content.decode()

    def test_in_search_results(self, client, dispute):
        response = client.get(reverse("search"), {"q": "fair deal"})
        passages = [r.citation for r in response.context["results"].items if r.citation]
        (citation,) = [c for c in passages if c.key == "wga-fair-deal"]
        assert citation.printed == self.PRINTED
        # Shown as printed, the words searched for marked.
        shown = re.sub(r"</?mark>", "", response.content.decode())
        assert f"“{self.PRINTED}”" in shown

    def test_the_printed_text_is_exactly_the_located_characters(self, dispute):
        citation = Citation.objects.verified().get(key="amptp-raises")
        start = citation.position
        assert citation.printed == TEXT[start : start + citation.length]
        assert "“generous”" in citation.printed

    def test_correcting_the_source_typography_changes_what_readers_see(self, client, dispute):
        source = dispute["source"]
        source.text = source.text.replace("“generous”", '"generous"')
        source.save()
        from explainer import citations

        citations.recheck(source=source)
        assert Citation.objects.verified().get(key="amptp-raises").printed == (
            'The AMPTP said it offered "generous" raises.'
        )


def test_party_names_read_naturally_in_sentences(db):
    assert make_party(short_name="WGA", kind="union").in_prose == "the WGA"
    assert make_party(name="Netflix", kind="company").in_prose == "Netflix"
    assert make_party(name="Zack Stentz", kind="person").in_prose == "Zack Stentz"


def test_the_sides_are_the_unions_and_employers_that_belong_to_no_one(db):
    union, employers = make_party(kind="union"), make_party(kind="employers")
    make_party(kind="branch", parent=union)
    make_party(kind="company", parent=employers)
    make_party(kind="person")
    assert set(Party.objects.sides()) == {union, employers}
