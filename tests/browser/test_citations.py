import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_keyboard_opens_a_citation_preview_and_escape_returns_focus(site, page, csp_violations):
    page.goto(f"{site}/points/artificial-intelligence/")
    marker = page.locator(".prose .marker").first
    marker.focus()
    page.keyboard.press("Enter")

    preview = page.get_by_role("dialog")
    expect(preview).to_be_visible()
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("AI for all writers")
    expect(marker).to_have_attribute("aria-expanded", "true")
    assert page.url.endswith("/points/artificial-intelligence/")  # no jump to the list

    page.keyboard.press("Escape")
    expect(preview).to_have_count(0)
    expect(marker).to_be_focused()
    expect(marker).to_have_attribute("aria-expanded", "false")
    assert csp_violations == []


def test_close_button_and_second_press_close_the_preview(site, page):
    page.goto(f"{site}/points/streaming-residuals/")
    marker = page.locator(".prose .marker").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_focused()
    close = page.get_by_role("button", name="Close passage")
    for _ in range(4):  # past the links to who is quoted or reported, and the source
        page.keyboard.press("Tab")
        if close.evaluate("button => button === document.activeElement"):
            break
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(marker).to_be_focused()

    marker.click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    marker.click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_escape_after_moving_on_closes_without_pulling_focus_back(site, page):
    page.goto(f"{site}/points/artificial-intelligence/")
    page.locator(".prose .marker").first.click()
    expect(page.get_by_role("dialog")).to_be_focused()
    search_link = page.get_by_role("link", name="Search")
    search_link.focus()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(search_link).to_be_focused()


def test_without_javascript_markers_do_not_claim_to_open_dialogs(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/points/artificial-intelligence/")
    marker = page.locator(".prose .marker").first
    assert marker.get_attribute("aria-expanded") is None
    assert marker.get_attribute("aria-haspopup") is None
    context.close()


def test_opening_another_preview_closes_the_first(site, page):
    page.goto(f"{site}/points/streaming-residuals/")
    markers = page.locator(".prose .marker")
    markers.nth(0).click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    markers.nth(1).click()
    expect(page.get_by_role("dialog")).to_have_count(1)
    expect(markers.nth(0)).to_have_attribute("aria-expanded", "false")
    expect(markers.nth(1)).to_have_attribute("aria-expanded", "true")


def test_without_javascript_a_marker_jumps_to_its_reference(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/points/artificial-intelligence/")
    page.locator(".prose .marker").first.click()
    assert page.url.endswith("#ref-1")
    expect(page.locator("#ref-1")).to_contain_text("AI for all writers")
    context.close()
