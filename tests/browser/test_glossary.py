import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_keyboard_opens_a_definition_in_place_and_escape_returns_focus(site, page, csp_violations):
    page.goto(f"{site}/points/streaming-residuals/")
    term = page.locator("a.term").first
    name = term.inner_text()
    expect(term).to_have_attribute("aria-haspopup", "dialog")
    term.focus()
    page.keyboard.press("Enter")

    definition = page.get_by_role("dialog", name=f"Definition of {name}", exact=False)
    expect(definition).to_be_visible()
    expect(definition).to_be_focused()
    expect(definition).to_contain_text("not a claim from the sources")
    expect(term).to_have_attribute("aria-expanded", "true")
    assert page.url.endswith("/points/streaming-residuals/")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(term).to_be_focused()
    assert csp_violations == []


def test_a_term_and_a_citation_preview_never_stay_open_together(site, page):
    page.goto(f"{site}/points/streaming-residuals/")
    page.locator("a.term").first.click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    page.locator(".prose .marker").first.click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    expect(page.locator("a.term").first).to_have_attribute("aria-expanded", "false")


def test_without_javascript_a_term_leads_to_the_glossary(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/points/streaming-residuals/")
    term = page.locator("a.term").first
    slug = term.get_attribute("href").split("#term-")[1]
    term.click()
    assert page.url.endswith(f"/glossary/#term-{slug}")
    expect(page.locator(f"#term-{slug}")).to_be_visible()
    context.close()
