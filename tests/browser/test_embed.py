"""The card in a page of another origin: a separate server on another port of
127.0.0.1 serves a host page with the snippet pasted from our "Embed this" box."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from explainer.embeds import CARD_HEIGHT, CARD_WIDTH
from explainer.models import StickingPoint

pytestmark = pytest.mark.browser

POINT = "/points/artificial-intelligence/"
DEFAULT_HEIGHT = str(CARD_HEIGHT["full"])


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


def host_page(snippet, extra=""):
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>A host newsroom</title></head><body><h1>Our story</h1>"
        f"<p>Before the card.</p>{snippet}<p id='after'>After the card.</p>{extra}</body></html>"
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


def test_every_seed_card_fits_its_default_height_without_the_script(site, page):
    page.set_viewport_size({"width": CARD_WIDTH, "height": 800})
    for slug in StickingPoint.objects.published().values_list("slug", flat=True):
        for variant, height in CARD_HEIGHT.items():
            page.goto(f"{site}/embed/points/{slug}/?variant={variant}")
            used = page.evaluate(
                "Math.ceil(document.documentElement.getBoundingClientRect().height)"
            )
            assert used <= height, (slug, variant, used)


def test_two_cards_on_one_page_each_take_their_own_height(site, host, page):
    snippet = copied_snippet(page, site)
    compact = snippet.replace(
        POINT.replace("points", "embed/points"), "/embed/points/free-work/?variant=compact"
    )
    host.pages["/two"] = host_page(snippet + compact)
    page.goto(host.url + "/two")
    frames = page.locator("iframe[data-strike-explainer]")
    expect(frames.nth(0)).not_to_have_attribute("height", DEFAULT_HEIGHT)
    expect(frames.nth(1)).not_to_have_attribute("height", str(CARD_HEIGHT["compact"]))
    for index in range(2):
        frame = frames.nth(index).element_handle().content_frame()
        expect(frames.nth(index)).to_have_attribute("height", str(card_height(frame)))
    assert frames.nth(0).get_attribute("height") != frames.nth(1).get_attribute("height")


def test_a_script_that_loads_late_still_sizes_the_card(site, host, page):
    snippet = copied_snippet(page, site)
    iframe_only, script = snippet.split("\n")
    src = script.split('src="')[1].split('"')[0]
    late = (
        "<script>setTimeout(function () { var s = document.createElement('script');"
        f" s.src = '{src}'; document.body.appendChild(s); }}, 1500);</script>"
    )
    host.pages["/late"] = host_page(iframe_only, extra=late)
    page.goto(host.url + "/late")
    card = page.frame_locator("iframe[data-strike-explainer]")
    expect(card.get_by_role("heading", level=1)).to_be_visible()
    iframe = page.locator("iframe[data-strike-explainer]")
    expect(iframe).not_to_have_attribute("height", DEFAULT_HEIGHT, timeout=8000)


def test_a_snippet_pasted_twice_still_works(site, host, page):
    snippet = copied_snippet(page, site)
    host.pages["/twice"] = host_page(snippet + snippet)
    page.goto(host.url + "/twice")
    frames = page.locator("iframe[data-strike-explainer]")
    for index in range(2):
        expect(frames.nth(index)).not_to_have_attribute("height", DEFAULT_HEIGHT)


def test_height_messages_from_another_origin_are_ignored(site, host, page):
    host.pages["/story"] = host_page(copied_snippet(page, site))
    # A frame of the host's own origin that imitates a card's message.
    host.pages["/imitator"] = (
        "<!doctype html><title>x</title><script>setTimeout(function () {"
        "parent.postMessage({type: 'strike-explainer:height', height: 9}, '*');"
        "}, 800);</script>"
    )
    host.pages["/with-imitator"] = host_page(
        copied_snippet(page, site), extra="<iframe src='/imitator' title='imitator'></iframe>"
    )
    page.goto(host.url + "/with-imitator")
    card_frame = page.locator("iframe[data-strike-explainer]")
    expect(card_frame).not_to_have_attribute("height", DEFAULT_HEIGHT)
    settled = card_frame.get_attribute("height")
    page.wait_for_timeout(1500)
    expect(card_frame).to_have_attribute("height", settled)
    assert page.locator("iframe[title='imitator']").get_attribute("height") is None


def test_copy_button_copies_the_snippet(site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + POINT)
    page.get_by_role("button", name="Copy the code").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#embed-snippet").input_value()
    assert copied.startswith("<iframe ")
    context.close()


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
