import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def event_titles(page):
    return page.locator(".event__title").all_inner_texts()


def expect_titles(page, titles):
    expect(page.locator(".event__title")).to_have_text(titles)


def expect_settled(page):
    """The swap is done and htmx has taken over the new form. These tests are about
    Back and Forward; a choice made mid-swap is lost (the race issue 11 covers)."""
    expect(page.locator(".htmx-settling, .htmx-request, .htmx-swapping")).to_have_count(0)


def test_filters_swap_in_place_update_the_url_and_the_back_button_restores(
    site, page, csp_violations
):
    page.goto(f"{site}/timeline/")
    everything = event_titles(page)
    page.evaluate("window.loadedOnce = true")  # survives only if the page never reloads

    page.get_by_label("Party").select_option(label="Hollywood actors")
    expect(page).to_have_url(f"{site}/timeline/?party=hollywood-actors")
    expect(page.locator(".event")).to_have_count(1)
    expect_settled(page)
    actors_only = event_titles(page)

    page.get_by_label("Kind").select_option("strike")
    expect(page).to_have_url(f"{site}/timeline/?party=hollywood-actors&kind=strike")
    assert page.evaluate("window.loadedOnce") is True

    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/?party=hollywood-actors")
    expect(page.get_by_label("Party")).to_have_value("hollywood-actors")
    expect(page.get_by_label("Kind")).to_have_value("")
    expect_titles(page, actors_only)

    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/")
    expect(page.get_by_label("Party")).to_have_value("")
    expect_titles(page, everything)

    page.go_forward()
    expect(page.get_by_label("Party")).to_have_value("hollywood-actors")
    expect_titles(page, actors_only)
    assert csp_violations == []


def test_back_restores_a_whole_page_when_htmx_history_is_gone(site, page):
    page.goto(f"{site}/timeline/")
    page.get_by_label("Kind").select_option("offer")
    expect(page).to_have_url(f"{site}/timeline/?kind=offer")
    expect(page.locator(".event__kind").first).to_have_text("Offer")
    expect_settled(page)
    page.get_by_label("Kind").select_option("strike")
    expect(page).to_have_url(f"{site}/timeline/?kind=strike")
    page.evaluate("localStorage.clear()")  # as if the history cache had been evicted

    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/?kind=offer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(page.get_by_role("navigation", name="Site")).to_be_visible()
    expect(page.get_by_label("Kind")).to_have_value("offer")
    expect(page.locator(".event__kind").first).to_have_text("Offer")


def test_filter_results_are_announced(site, page):
    page.goto(f"{site}/timeline/")
    page.get_by_label("Party").select_option(label="Hollywood actors")
    expect(page.get_by_role("status")).to_have_text("1 event")


def test_filters_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/timeline/")
    page.get_by_label("Sticking point").select_option(label="Artificial intelligence")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(f"{site}/timeline/?topic=artificial-intelligence")
    expect(page.get_by_label("Sticking point")).to_have_value("artificial-intelligence")
    assert 0 < page.locator(".event").count() < 12
    context.close()


@pytest.fixture
def long_timeline(site):
    """The seed's 12 events and 48 more: three pages of 20."""
    from tests.test_paging import make_large_content

    make_large_content(events=48, passages=40, points=1, positions=0, offers=0)
    return site


def test_later_events_append_in_place_and_back_undoes_each(long_timeline, page, csp_violations):
    site = long_timeline
    page.goto(f"{site}/timeline/")
    expect(page.locator(".event")).to_have_count(20)
    first_page = event_titles(page)
    page.evaluate("window.loadedOnce = true")  # survives only if the page never reloads

    page.get_by_role("link", name="Later events").click()
    expect(page).to_have_url(f"{site}/timeline/?page=2")
    expect(page.locator(".event")).to_have_count(40)
    expect(page.get_by_role("heading", name="Events 21–40 (page 2 of 3)")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Events 21–40 (page 2 of 3)")
    expect_settled(page)
    assert event_titles(page)[:20] == first_page
    assert page.evaluate("window.loadedOnce") is True
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_role("link", name="Later events").click()
    expect(page).to_have_url(f"{site}/timeline/?page=3")
    expect(page.locator(".event")).to_have_count(60)
    expect(page.get_by_role("link", name="Later events")).to_have_count(0)
    expect_settled(page)

    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/?page=2")
    expect(page.locator(".event")).to_have_count(40)
    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/")
    expect_titles(page, first_page)
    expect(page.get_by_role("link", name="Later events")).to_have_attribute("href", "?page=2")
    assert csp_violations == []


def test_earlier_and_later_links_work_without_javascript(long_timeline, browser):
    site = long_timeline
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/timeline/?kind=negotiation")
    page.get_by_role("link", name="Later events").click()
    expect(page).to_have_url(f"{site}/timeline/?kind=negotiation&page=2")
    expect(page.get_by_role("heading", name=re.compile("^Events 21–"))).to_be_visible()
    expect(page.get_by_label("Kind")).to_have_value("negotiation")
    page.get_by_role("link", name="Earlier events").click()
    expect(page).to_have_url(f"{site}/timeline/?kind=negotiation")
    expect(page.get_by_role("link", name="Earlier events")).to_have_count(0)
    context.close()
