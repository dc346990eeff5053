"""Following the dispute in a real browser: the offers table on a phone and a desktop,
the new pages under axe, and a sticking point on paper."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from explainer.models import Note, StickingPoint

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def test_the_offers_table_is_a_table_on_a_desktop_and_a_stack_on_a_phone(site, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{site}/offers/")
    assert page.locator(".matrix td").first.evaluate("e => getComputedStyle(e).display") == (
        "table-cell"
    )
    assert page.locator(".matrix thead").is_visible()
    context.close()

    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/offers/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cell = page.locator(".matrix tbody tr").first.locator("td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"What the WGA asks"'
    # Every cell of the stack names its column, and none is wider than the screen.
    widths = page.locator(".matrix td, .matrix th").evaluate_all(
        "cells => cells.filter(c => c.offsetParent).map(c => c.getBoundingClientRect().right)"
    )
    assert max(widths) <= PHONE["width"]
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()


def test_the_new_pages_pass_axe(site, browser):
    point = StickingPoint.objects.get(slug="free-work")
    Note.objects.create(
        sticking_point=point,
        kind="correction",
        text="An earlier version misnamed the guild's branch.",
        publication="published",
    )
    page = browser.new_page(viewport=DESKTOP)
    failures = {}
    for path in ["/offers/", "/changes/", "/about/", "/points/free-work/"]:
        page.goto(site + path)
        results = Axe().run(page)
        if results.violations_count:
            failures[path] = results.generate_report()
    assert page.locator("#notes").is_visible()
    page.close()
    assert not failures, "\n\n".join(f"{p}\n{r}" for p, r in failures.items())


def test_a_sticking_point_prints_without_chrome_and_with_source_addresses(site, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{site}/points/streaming-residuals/")
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", ".embed-this"]:
        assert not page.locator(hidden).is_visible(), hidden
    address = page.locator(".references .citation__address").first
    assert address.is_visible()
    assert f"{site}/sources/" in address.inner_text()
    for paper in ["A4", "Letter"]:
        pdf = page.pdf(format=paper, print_background=False)
        assert pdf.startswith(b"%PDF")
    # Nothing is wider than an A4 page's printable width (210 mm less 28 mm of margin).
    page.set_viewport_size({"width": 688, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 688
    page.close()
