"""Content saved before citations had kinds comes through the upgrade under the new
rules, not merely with new columns."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("explainer", "0004_explanation_help_text")]
AFTER = [("explainer", "0005_attribution_as_of_glossary")]
TEXT = "The WGA said talks failed.\r\n\r\n“We want a fair deal,” the WGA said."


@pytest.mark.django_db(transaction=True)
def test_existing_citations_markers_and_sources_are_brought_under_the_new_rules():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    source = old.get_model("explainer", "Source").objects.create(
        title="May", slug="may", text=TEXT
    )
    wga = old.get_model("explainer", "Party").objects.create(
        name="Writers Guild of America", slug="wga", short_name="WGA", kind="union"
    )
    Citation = old.get_model("explainer", "Citation")
    reported = Citation.objects.create(
        source=source, key="talks-failed", passage="The WGA said talks failed.", speaker=wga
    )
    quoted = Citation.objects.create(
        source=source, key="fair-deal", passage="We want a fair deal,", speaker=wga
    )
    point = old.get_model("explainer", "StickingPoint").objects.create(
        title="Pay",
        slug="pay",
        question="Pay?",
        short_answer="a",
        explanation="Talks failed.[^talks-failed] A deal.[^fair-deal]",
        publication="published",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Citation = new.get_model("explainer", "Citation")
    reported = Citation.objects.get(pk=reported.pk)
    quoted = Citation.objects.get(pk=quoted.pk)
    assert (reported.kind, reported.speaker_id, reported.about_id) == ("report", None, wga.pk)
    assert (quoted.kind, quoted.speaker_id) == ("quote", wga.pk)
    text = new.get_model("explainer", "Source").objects.get(pk=source.pk).text
    assert "\r" not in text
    assert text[quoted.position : quoted.position + quoted.length] == "We want a fair deal,"
    cited = new.get_model("explainer", "StickingPoint").objects.get(pk=point.pk).cited
    assert set(cited.values_list("key", flat=True)) == {"talks-failed", "fair-deal"}
