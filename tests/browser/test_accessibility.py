import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/points/minimum-staffing/",
    "/timeline/",
    "/timeline/?party=nobody",
    "/parties/amptp/",
    "/parties/zack-stentz/",
    "/sources/hollywood-heading-for-shutdown/",
    "/search/?q=streaming",
    "/search/?q=Netflix+zebra",
    "/search/?q=zzzz",
    "/citations/wga-cave/",
    "/glossary/",
    "/glossary/residuals/",
    "/no-such-page/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_passes_axe(site, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    axe = Axe()
    failures = {}
    for path in PAGES:
        page.goto(site + path)
        results = axe.run(page)
        if results.violations_count:
            failures[path] = results.generate_report()
    context.close()
    assert not failures, "\n\n".join(f"{p}\n{r}" for p, r in failures.items())


def test_an_open_citation_preview_passes_axe(site, page):
    page.goto(f"{site}/points/artificial-intelligence/")
    page.locator(".prose .marker").first.click()
    page.get_by_role("dialog").wait_for()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_an_open_definition_passes_axe(site, page):
    page.goto(f"{site}/points/streaming-residuals/")
    page.locator("a.term").first.click()
    page.get_by_role("dialog").wait_for()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
