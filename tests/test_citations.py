import pytest

from explainer import citations
from tests.conftest import ARTICLE, make_citation, make_source


def test_curly_quotes_match_straight_quotes():
    assert citations.locate('The union said it wanted "a fair deal"', ARTICLE) == 0


def test_straight_apostrophes_and_dashes_match_typographic_ones():
    text = "The studios’ responses — woefully inadequate."
    assert citations.locate("studios' responses - woefully", text) == 4


def test_extra_and_missing_line_breaks_match():
    assert citations.locate("Negotiators met\nfor six   weeks. Talks failed", ARTICLE) is not None


def test_position_is_the_offset_in_the_original_text():
    position = citations.locate("Talks failed on Monday.", ARTICLE)
    assert ARTICLE[position:].startswith("Talks  failed")


def test_a_passage_not_in_the_source_is_not_found():
    assert citations.locate("Negotiators met for seven weeks.", ARTICLE) is None


def test_words_must_match_exactly_including_case():
    assert citations.locate("negotiators met for six weeks.", ARTICLE) is None


def test_an_empty_passage_is_not_found():
    assert citations.locate("  \n ", ARTICLE) is None


@pytest.mark.django_db
def test_saving_a_citation_records_its_position():
    citation = make_citation(passage="Talks  failed on Monday.")
    assert citation.position == ARTICLE.index("Talks  failed")
    assert citation.is_verified


@pytest.mark.django_db
def test_editing_the_source_flags_citations_that_no_longer_match():
    source = make_source()
    kept = make_citation(source=source, passage="six weeks")
    lost = make_citation(source=source, passage="Talks failed on Monday.")
    source.text = "Negotiators met for six weeks. Talks broke down."
    source.save()

    broken = citations.recheck(source=source)

    assert broken == [lost]
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert kept.is_verified and kept.position == source.text.index("six weeks")
    assert not lost.is_verified


@pytest.mark.django_db
def test_restoring_the_text_makes_a_flagged_citation_match_again():
    source = make_source()
    citation = make_citation(source=source, passage="Talks failed on Monday.")
    source.text = "Something else."
    citations.recheck(source=source)
    source.text = ARTICLE
    assert citations.recheck(source=source) == []
    citation.refresh_from_db()
    assert citation.is_verified


STATEMENT = (
    "The guild said talks had failed, and “we will not go back without a deal,” its chair "
    "said. According to the guild, the studios refused.\n\n"
    "The studios released a statement saying in part:\n\n"
    "We remain committed to an agreement.\n\n"
    "Our members are ready, the branch said on Twitter."
)


def span(passage, text=STATEMENT):
    return citations.locate_span(passage, text)


def test_a_span_covers_the_sources_own_characters():
    start, end = span("we will not  go back\nwithout a deal,")
    assert STATEMENT[start:end] == "we will not go back without a deal,"


def test_quotation_marks_copied_with_a_passage_are_left_to_the_page():
    for copied in [
        '"we will not go back without a deal,"',
        'we will not go back without a deal,"',
    ]:
        start, end = span(copied)
        assert STATEMENT[start:end] == "we will not go back without a deal,"


def test_balanced_quotation_marks_inside_a_passage_stay():
    text = 'The WGA accuses the AMPTP of trying to make writers "cave." Talks resume.'
    start, end = span('The WGA accuses the AMPTP of trying to make writers "cave."', text)
    assert text[start:end].endswith('"cave."')


@pytest.mark.parametrize(
    "passage",
    [
        "we will not go back without a deal",  # inside quotation marks
        "We remain committed to an agreement.",  # set off after "saying in part:"
        "Our members are ready",  # the speaker's own first person
    ],
)
def test_passages_the_source_prints_as_someones_words_read_as_quotes(passage):
    assert citations.reads_as_quote(STATEMENT, *span(passage))


@pytest.mark.parametrize(
    "passage",
    [
        "The guild said talks had failed",  # speech relayed without quotation marks
        "According to the guild, the studios refused.",
        "The studios released a statement saying in part:",
    ],
)
def test_relayed_speech_and_narration_read_as_reports(passage):
    assert not citations.reads_as_quote(STATEMENT, *span(passage))


@pytest.mark.parametrize(
    ("text", "passage"),
    [
        # The reporter's words between two quotations.
        (
            "“Pay writers fairly,” the WGA said, adding that the studios “refuse to talk.”",
            "Pay writers fairly,” the WGA said, adding that the studios “refuse to talk.",
        ),
        # "US" is a country, not a speaker's "us".
        ("The AMPTP said US streaming residuals would rise.", "US streaming residuals"),
        # A colon that introduces no statement.
        (
            "Here is what the deal includes:\n\nThe guild said residuals would rise.",
            "The guild said residuals would rise.",
        ),
        # A lone straight mark is an inch, not a quotation.
        ('A 12" screen, the AMPTP said, residuals would rise.', "residuals would rise."),
        # First person inside a quoted fragment of someone else's words.
        ("The WGA said the studios called it “our best offer”.", "called it “our best offer”."),
    ],
)
def test_near_misses_read_as_reports(text, passage):
    assert not citations.reads_as_quote(text, *span(passage, text))


def test_a_statement_set_off_after_windows_line_breaks_still_reads_as_a_quote():
    text = "The AMPTP released a statement saying in part:\r\n\r\nWe remain committed."
    assert citations.reads_as_quote(text, *span("We remain committed.", text))
