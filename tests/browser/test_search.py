import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_results_arrive_as_the_reader_types(site, page, csp_violations):
    page.goto(f"{site}/search/")
    results = page.locator("#search-results")
    page.evaluate("window.loadedOnce = true")

    page.get_by_role("searchbox").press_sequentially("woefully", delay=40)

    expect(results).to_contain_text("woefully inadequate")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ results? for “woefully”$"))
    expect(page).to_have_url(f"{site}/search/?q=woefully")
    assert page.evaluate("window.loadedOnce") is True
    expect(page.get_by_role("searchbox")).to_be_focused()
    assert csp_violations == []


def test_search_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/search/")
    page.get_by_role("searchbox").fill("Stentz")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{site}/search/?q=Stentz")
    expect(page.locator("#search-results")).to_contain_text("Zack Stentz")
    context.close()


def test_closest_matches_are_said_and_the_words_marked(site, page, csp_violations):
    page.goto(f"{site}/search/")
    page.get_by_role("searchbox").press_sequentially("Netflix zebra", delay=30)
    expect(page.get_by_role("status")).to_have_text(
        "No page has all of these words; closest matches:"
    )
    first = page.locator(".result").first
    expect(first.locator(".result__kind")).to_have_text("Party")
    expect(first.get_by_role("link")).to_have_text("Netflix")
    expect(page.locator(".result mark").first).to_have_text(re.compile("Netflix", re.I))
    assert csp_violations == []


def test_a_search_with_no_match_says_what_to_try(site, page):
    page.goto(f"{site}/search/")
    page.get_by_role("searchbox").press_sequentially("zzzz", delay=30)
    expect(page.get_by_role("status")).to_have_text("Nothing matches “zzzz”.")
    expect(
        page.locator("#search-results").get_by_role("link", name="the timeline")
    ).to_be_visible()
