import datetime

import pytest

from explainer.models import DatePrecision, Event
from tests.conftest import make_citation, make_party, make_sticking_point


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (DatePrecision.DAY, "May 2, 2023"),
        (DatePrecision.MONTH, "May 2023"),
        (DatePrecision.YEAR, "2023"),
    ],
)
@pytest.mark.django_db
def test_event_dates_show_no_more_than_their_precision(precision, shown):
    event = Event.objects.create(
        title="Strike",
        slug="strike",
        kind="strike",
        summary="s",
        date=datetime.date(2023, 5, 2),
        date_precision=precision,
    )
    assert event.date_display == shown


@pytest.mark.django_db
def test_a_month_precise_date_is_stored_as_the_first_of_the_month():
    event = Event.objects.create(
        title="Talks",
        slug="talks",
        kind="negotiation",
        summary="s",
        date=datetime.date(2023, 8, 17),
        date_precision=DatePrecision.MONTH,
    )
    event.refresh_from_db()
    assert event.date == datetime.date(2023, 8, 1)


@pytest.mark.django_db
def test_explanations_render_markdown_without_any_script():
    point = make_sticking_point(
        explanation=(
            "**Pay** matters.[^x]\n\n<script>alert(1)</script>"
            '<img src=x onerror="alert(1)"> [link](javascript:alert(1))'
        ),
        publication="draft",
    )
    html = point.explanation_html
    assert "<strong>Pay</strong>" in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "[^x]" in html  # markers survive rendering, to be numbered per page


@pytest.mark.django_db
def test_published_queryset_excludes_drafts():
    published = make_sticking_point()
    make_sticking_point(publication="draft")
    from explainer.models import StickingPoint

    assert list(StickingPoint.objects.published()) == [published]


@pytest.mark.django_db
def test_a_party_cannot_belong_to_its_own_member():
    from django.core.exceptions import ValidationError

    union = make_party()
    branch = make_party(parent=union)
    union.parent = branch
    with pytest.raises(ValidationError) as error:
        union.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_a_citation_can_name_its_speaker():
    person = make_party(kind="person", name="Zack Stentz")
    citation = make_citation(speaker=person)
    assert list(person.quotes.all()) == [citation]
