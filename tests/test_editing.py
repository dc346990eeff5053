"""The sequences editors perform never leave a published claim resting on a passage that
does not verify: deleting, renaming and correcting cited passages and their sources."""

import re

import pytest
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from explainer.models import Citation, Demand, StickingPoint
from tests.conftest import make_citation, make_party, make_source, make_sticking_point
from tests.test_admin import source_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited():
    """A published point whose explanation and a position cite passages of one source."""
    source = make_source(title="The May article")
    explained = make_citation(
        source=source, key="six-weeks", passage="Negotiators met for six weeks."
    )
    union = make_party(kind="union", short_name="WGA")
    reported = make_citation(
        source=source, key="talks-failed", passage="Talks failed on Monday.", about=union
    )
    point = make_sticking_point(
        title="Talks", slug="talks", explanation="They met for weeks.[^six-weeks]"
    )
    position = Demand.objects.create(sticking_point=point, party=union, summary="Talks failed.")
    position.citations.add(reported)
    spare = make_citation(source=source, key="spare", passage="a fair deal")
    return {
        "source": source,
        "explained": explained,
        "reported": reported,
        "point": point,
        "position": position,
        "spare": spare,
    }


def assert_every_published_claim_verifies():
    for point in StickingPoint.objects.published():
        claimed = [
            *point.cited.all(),
            *Citation.objects.filter(demands__sticking_point=point),
            *Citation.objects.filter(offer_terms__sticking_point=point),
            *Citation.objects.filter(events__sticking_points=point),
        ]
        assert all(c.is_verified for c in claimed), point
        markers = set(re.findall(r"\[\^([-\w]+)\]", point.explanation))
        assert set(point.cited.values_list("key", flat=True)) == markers


class TestDeletingACitedPassage:
    def test_the_confirmation_page_refuses_and_says_where_it_is_cited(self, editor_client, cited):
        url = reverse("admin:explainer_citation_delete", args=[cited["reported"].pk])
        page = editor_client.get(url).content.decode()
        assert "Cannot delete citation" in page
        assert "WGA&#x27;s position on “Talks”" in page
        assert reverse("admin:explainer_demand_change", args=[cited["position"].pk]) in page
        editor_client.post(url, {"post": "yes"})
        assert Citation.objects.filter(pk=cited["reported"].pk).exists()
        assert_every_published_claim_verifies()

    def test_the_bulk_action_refuses_too(self, editor_client, cited):
        response = editor_client.post(
            reverse("admin:explainer_citation_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [cited["explained"].pk, cited["spare"].pk],
                "post": "yes",
            },
        )
        assert "the explanation of “Talks”" in response.content.decode()
        assert Citation.objects.filter(pk=cited["explained"].pk).exists()

    def test_deleting_it_from_its_sources_page_is_refused(self, editor_client, cited):
        source = cited["source"]
        data = source_form(source)
        index = list(source.citations.all()).index(cited["explained"])
        data[f"citations-{index}-DELETE"] = "on"
        response = editor_client.post(
            reverse("admin:explainer_source_change", args=[source.pk]), data
        )
        assert response.status_code == 200
        assert "“six-weeks” cannot be deleted: it is cited in" in response.content.decode()
        assert Citation.objects.filter(pk=cited["explained"].pk).exists()

    def test_no_code_path_deletes_it(self, cited):
        with pytest.raises(ProtectedError):
            Citation.objects.filter(pk=cited["explained"].pk).delete()

    def test_an_uncited_passage_can_be_deleted(self, editor_client, cited):
        url = reverse("admin:explainer_citation_delete", args=[cited["spare"].pk])
        assert editor_client.post(url, {"post": "yes"}).status_code == 302
        assert not Citation.objects.filter(pk=cited["spare"].pk).exists()


class TestRenamingACitedKey:
    def post_citation(self, editor_client, citation, **changes):
        data = {
            "source": citation.source_id,
            "key": citation.key,
            "passage": citation.passage,
            "kind": citation.kind,
            "speaker": citation.speaker_id or "",
            "about": citation.about_id or "",
            **changes,
        }
        return editor_client.post(
            reverse("admin:explainer_citation_change", args=[citation.pk]), data
        )

    def test_markers_are_rewritten_and_the_page_keeps_its_source(
        self, client, editor_client, cited
    ):
        response = self.post_citation(editor_client, cited["explained"], key="weeks-of-talks")
        assert response.status_code == 302
        point = StickingPoint.objects.get(pk=cited["point"].pk)
        assert point.explanation == "They met for weeks.[^weeks-of-talks]"
        html = client.get(point.get_absolute_url()).content.decode()
        assert "Negotiators met for six weeks." in html
        assert 'class="marker"' in html.split('id="explanation-title"')[1].split("</section>")[0]
        assert_every_published_claim_verifies()

    def test_a_rename_on_the_sources_page_rewrites_markers_too(self, editor_client, cited):
        source = cited["source"]
        index = list(source.citations.all()).index(cited["explained"])
        data = source_form(source, **{f"citations-{index}-key": "met-for-weeks"})
        response = editor_client.post(
            reverse("admin:explainer_source_change", args=[source.pk]), data
        )
        assert response.status_code == 302
        assert StickingPoint.objects.get(pk=cited["point"].pk).explanation.endswith(
            "[^met-for-weeks]"
        )


class TestCorrectingASource:
    def test_a_text_that_unverifies_a_cited_passage_is_refused_and_kept_in_the_form(
        self, editor_client, cited
    ):
        source = cited["source"]
        new_text = source.text.replace("Talks  failed on Monday.", "Talks broke down.")
        response = editor_client.post(
            reverse("admin:explainer_source_change", args=[source.pk]),
            source_form(source, text=new_text),
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "published claims would lose their source" in html
        assert "(talks-failed) would no longer match the text; it is cited in" in html
        assert "Talks broke down." in html  # the editor's text is kept
        source.refresh_from_db()
        assert "Talks  failed on Monday." in source.text
        assert_every_published_claim_verifies()

    def test_the_same_save_may_correct_the_passage(self, client, editor_client, cited):
        source = cited["source"]
        new_text = source.text.replace("Talks  failed on Monday.", "Talks broke down.")
        index = list(source.citations.all()).index(cited["reported"])
        data = source_form(
            source, text=new_text, **{f"citations-{index}-passage": "Talks broke down."}
        )
        response = editor_client.post(
            reverse("admin:explainer_source_change", args=[source.pk]), data
        )
        assert response.status_code == 302
        assert Citation.objects.get(pk=cited["reported"].pk).is_verified
        assert (
            "Talks broke down." in client.get(cited["point"].get_absolute_url()).content.decode()
        )
        assert_every_published_claim_verifies()

    def test_an_uncited_passage_may_stop_matching_but_cannot_then_be_cited(
        self, editor_client, cited
    ):
        source = cited["source"]
        new_text = source.text.replace("“a fair deal”", "a deal")
        response = editor_client.post(
            reverse("admin:explainer_source_change", args=[source.pk]),
            source_form(source, text=new_text),
        )
        assert response.status_code == 302
        spare = Citation.objects.get(pk=cited["spare"].pk)
        assert not spare.is_verified
        position = cited["position"]
        response = editor_client.post(
            reverse("admin:explainer_demand_change", args=[position.pk]),
            {
                "sticking_point": position.sticking_point_id,
                "party": position.party_id,
                "stated_by": "party",
                "summary": position.summary,
                "citations": [cited["reported"].pk, spare.pk],
                "order": 0,
            },
        )
        assert response.status_code == 200
        assert "no longer match their sources" in str(
            response.context["adminform"].form.errors["citations"]
        )
        assert_every_published_claim_verifies()
