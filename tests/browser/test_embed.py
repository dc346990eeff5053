"""The card in a page of another origin: a separate server on another port of
127.0.0.1 serves a host page with the snippet pasted from our "Embed this" box."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

POINT = "/points/artificial-intelligence/"
DEFAULT_HEIGHT = "480"


@pytest.fixture
def host():
    """A host site on its own origin; tests put pages in `host.pages`."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.pages = pages
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


def copied_snippet(page, site):
    page.goto(site + POINT)
    return page.locator("#embed-snippet").input_value()


def host_page(snippet):
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>A host newsroom</title></head><body><h1>Our story</h1>"
        f"<p>Before the card.</p>{snippet}<p id='after'>After the card.</p></body></html>"
    )


def card_height(frame):
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


def test_pasted_snippet_shows_a_card_that_sizes_itself_and_links_to_the_top(site, host, page):
    snippet = copied_snippet(page, site)
    assert site in snippet and host.url not in snippet
    host.pages["/story"] = host_page(snippet)

    page.goto(host.url + "/story")
    iframe = page.locator("iframe[data-strike-explainer]")
    expect(iframe).to_have_attribute("title", "What is the fight over AI? (Strike Explainer)")
    card = page.frame_locator("iframe[data-strike-explainer]")
    expect(card.get_by_role("heading", level=1)).to_have_text("What is the fight over AI?")
    expect(card.get_by_text("Where it stands")).to_be_visible()

    expect(iframe).not_to_have_attribute("height", DEFAULT_HEIGHT)
    frame = iframe.element_handle().content_frame()
    content = card_height(frame)
    expect(iframe).to_have_attribute("height", str(content))
    box = iframe.bounding_box()
    assert abs(box["height"] - content) <= 1  # no inner scrollbar, no gap

    link = card.get_by_role("link", name="Read the full explainer, with every source")
    expect(link).to_have_attribute("target", "_top")
    link.click()
    expect(page).to_have_url(site + POINT)


def test_card_resizes_again_when_its_width_changes(site, host, page):
    host.pages["/story"] = host_page(copied_snippet(page, site))
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(host.url + "/story")
    iframe = page.locator("iframe[data-strike-explainer]")
    expect(iframe).not_to_have_attribute("height", DEFAULT_HEIGHT)
    wide = int(iframe.get_attribute("height"))

    page.set_viewport_size({"width": 360, "height": 800})
    expect(iframe).not_to_have_attribute("height", str(wide))
    narrow = int(iframe.get_attribute("height"))
    assert narrow > wide  # the same card, wrapped onto more lines
    frame = iframe.element_handle().content_frame()
    assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_without_the_script_the_card_still_shows_at_its_default_height(site, host, page):
    snippet = copied_snippet(page, site)
    host.pages["/plain"] = host_page(snippet.split("<script")[0])
    page.goto(host.url + "/plain")
    card = page.frame_locator("iframe[data-strike-explainer]")
    expect(card.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_timeout(500)  # give any stray resize a chance to happen
    expect(page.locator("iframe")).to_have_attribute("height", DEFAULT_HEIGHT)


def test_height_messages_from_elsewhere_are_ignored(site, host, page):
    host.pages["/story"] = host_page(copied_snippet(page, site))
    page.goto(host.url + "/story")
    iframe = page.locator("iframe[data-strike-explainer]")
    expect(iframe).not_to_have_attribute("height", DEFAULT_HEIGHT)
    settled = iframe.get_attribute("height")

    # A message from the host's own window (wrong origin and wrong source).
    page.evaluate("window.postMessage({type: 'strike-explainer:height', height: 9}, '*')")
    page.wait_for_timeout(300)
    expect(iframe).to_have_attribute("height", settled)


def test_the_card_passes_axe_in_both_themes(site, page):
    for theme in ["light", "dark"]:
        page.goto(f"{site}/embed/points/artificial-intelligence/?theme={theme}")
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    ("theme", "system", "dark"),
    [
        ("auto", "light", False),
        ("auto", "dark", True),
        ("light", "dark", False),
        ("dark", "light", True),
        ("bogus", "dark", True),  # an unknown theme falls back to following the system
    ],
)
def test_theme_option_sets_the_cards_colours(site, browser, theme, system, dark):
    context = browser.new_context(color_scheme=system)
    page = context.new_page()
    page.goto(f"{site}/embed/points/artificial-intelligence/?theme={theme}")
    red, green, blue = page.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    context.close()
    assert (red + green + blue < 200) is dark
