"""The seed content: it loads, and everything in it is backed by a verified citation."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from explainer import citations
from explainer.models import (
    Citation,
    Demand,
    Event,
    Offer,
    OfferTerm,
    Party,
    Source,
    StickingPoint,
)
from tests.conftest import make_sticking_point

SEED_TOPICS = {
    "streaming-residuals",
    "minimum-staffing",
    "term-of-employment",
    "artificial-intelligence",
    "streaming-data",
    "comedy-variety-day-rates",
    "free-work",
    "wages-and-equal-pay",
}


def test_every_citation_in_the_seed_verifies_against_its_source(seeded):
    assert Citation.objects.count() > 0
    assert list(Citation.objects.filter(position__isnull=True)) == []
    for citation in Citation.objects.select_related("source"):
        assert citations.locate(citation.passage, citation.source.text) == citation.position


def test_the_seed_covers_the_sticking_points_the_articles_discuss(seeded):
    assert set(StickingPoint.objects.published().values_list("slug", flat=True)) >= SEED_TOPICS


def test_every_explanation_cites_and_every_marker_resolves(seeded):
    for point in StickingPoint.objects.all():
        assert citations.find_markers(point.explanation), point.slug
        assert Citation.objects.marker_errors(point.explanation) == [], point.slug
        assert "[^" in point.explanation_html  # rendered when loaded


@pytest.mark.parametrize("model", [Demand, Offer, OfferTerm, Event])
def test_every_claim_carries_a_citation(seeded, model):
    assert model.objects.exists()
    assert not model.objects.filter(citations=None).exists()


def test_each_sticking_point_has_a_wga_demand(seeded):
    wga = Party.objects.get(short_name="WGA")
    for point in StickingPoint.objects.all():
        assert point.demands.filter(party=wga).exists(), point.slug


def test_the_seed_names_the_parties_of_the_articles(seeded):
    names = set(Party.objects.values_list("name", flat=True))
    for company in ["Netflix", "Amazon", "Apple", "Disney", "NBCUniversal", "Sony"]:
        assert company in names
    amptp = Party.objects.get(short_name="AMPTP")
    assert amptp.members.count() >= 8
    assert Party.objects.filter(name="Zack Stentz", kind="person").exists()


def test_sources_hold_the_articles_verbatim(seeded, settings):
    seeds = sorted((settings.BASE_DIR.parent / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared/seeds is not beside the project")
    texts = set(Source.objects.values_list("text", flat=True))
    for path in seeds:
        assert path.read_text(encoding="utf-8") in texts


def test_no_event_claims_a_day_the_articles_do_not_give(seeded):
    # Neither article dates anything to the day except its own publication.
    assert not Event.objects.filter(date_precision="day").exists()
    assert not Offer.objects.filter(date_precision="day").exists()


def test_loading_again_with_if_empty_changes_nothing(seeded):
    point = StickingPoint.objects.first()
    point.short_answer = "An editor's change."
    point.save()
    call_command("load_seed", if_empty=True, verbosity=0)
    point.refresh_from_db()
    assert point.short_answer == "An editor's change."


def test_editors_can_add_content_after_the_seed_loads(seeded):
    # The seed sets primary keys; new rows must not collide with them (PostgreSQL).
    source = Source.objects.create(title="New", slug="new-source", text="Fresh text.")
    assert Citation.objects.create(source=source, key="fresh", passage="Fresh").is_verified


def test_a_seed_with_an_unverifiable_passage_loads_nothing(db, tmp_path, settings):
    data = json.loads((settings.BASE_DIR / "fixtures" / "seed.json").read_text())
    citation = next(item for item in data if item["model"] == "explainer.citation")
    citation["fields"]["passage"] = "A sentence no article contains."
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))

    with pytest.raises(CommandError, match=citation["fields"]["key"]):
        call_command("load_seed", fixture=broken, verbosity=0)

    assert not Source.objects.exists()
    assert not StickingPoint.objects.exists()


def test_loading_into_a_database_with_content_says_how_to_replace_it(seeded):
    point = StickingPoint.objects.first()
    point.short_answer = "An editor's change."
    point.save()

    with pytest.raises(CommandError) as refused:
        call_command("load_seed", verbosity=0)

    assert "already holds content (2 sources," in str(refused.value)
    assert "`manage.py load_seed --reset`" in str(refused.value)
    point.refresh_from_db()
    assert point.short_answer == "An editor's change."


def test_reset_replaces_all_content_with_the_seed(seeded):
    counts = {model: model.objects.count() for model in [Source, Citation, StickingPoint]}
    StickingPoint.objects.filter(slug="free-work").update(short_answer="An editor's change.")
    make_sticking_point(slug="added-by-an-editor")

    call_command("load_seed", reset=True, interactive=False, verbosity=0)

    assert not StickingPoint.objects.filter(slug="added-by-an-editor").exists()
    assert StickingPoint.objects.get(slug="free-work").short_answer != "An editor's change."
    assert {model: model.objects.count() for model in counts} == counts
    assert not Citation.objects.filter(position__isnull=True).exists()


def test_reset_with_a_seed_that_fails_deletes_nothing(seeded, tmp_path, settings):
    data = json.loads((settings.BASE_DIR / "fixtures" / "seed.json").read_text())
    next(item for item in data if item["model"] == "explainer.citation")["fields"]["passage"] = (
        "A sentence no article contains."
    )
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    make_sticking_point(slug="added-by-an-editor")

    with pytest.raises(CommandError, match="does not verify"):
        call_command("load_seed", fixture=broken, reset=True, interactive=False, verbosity=0)

    assert StickingPoint.objects.filter(slug="added-by-an-editor").exists()


def test_reset_asks_first_and_deletes_nothing_without_a_yes(seeded, monkeypatch):
    make_sticking_point(slug="added-by-an-editor")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing deleted"):
        call_command("load_seed", reset=True, verbosity=0)

    assert StickingPoint.objects.filter(slug="added-by-an-editor").exists()


@pytest.mark.parametrize("label", ["fixtures/seed.json", "fixtures/seed"])
def test_loaddata_of_the_seed_loads_it_as_load_seed_does(db, settings, monkeypatch, label):
    monkeypatch.chdir(settings.BASE_DIR)
    output = io.StringIO()

    call_command("loaddata", label, stdout=output)

    assert "loading it with load_seed" in output.getvalue()
    assert set(StickingPoint.objects.values_list("slug", flat=True)) >= SEED_TOPICS
    assert not Citation.objects.filter(position__isnull=True).exists()
    assert "[^" in StickingPoint.objects.get(slug="free-work").explanation_html


def test_loaddata_of_the_seed_with_other_fixtures_names_load_seed(db, settings, tmp_path):
    other = tmp_path / "groups.json"
    other.write_text('[{"model": "auth.group", "pk": 900, "fields": {"name": "Readers"}}]')

    with pytest.raises(CommandError, match="only `manage.py load_seed` loads"):
        call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "seed.json"), str(other))

    assert not StickingPoint.objects.exists()


def test_loaddata_loads_other_fixtures_as_usual(db, tmp_path):
    other = tmp_path / "groups.json"
    other.write_text('[{"model": "auth.group", "pk": 900, "fields": {"name": "Readers"}}]')

    call_command("loaddata", str(other), verbosity=0)

    assert Group.objects.get(pk=900).name == "Readers"
