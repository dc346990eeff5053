"""Reader interactions under real conditions: a 400 kbps link with 400 ms latency, taps
on a phone, requests that fail, narrow screens with the text-spacing override, forced
colours, and cards on host pages that forbid scripts or inline styles. Run on SQLite and
PostgreSQL alike (the `both_databases` mark)."""

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from explainer.models import Party, Source, StickingPoint

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]

POINT = "/points/artificial-intelligence/"
PHONE = {"width": 360, "height": 740}
# WCAG 1.4.12: what a reader's own stylesheet may set without anything being lost.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)


def slow_network(page):
    """400 kbps down and up, 400 ms latency, through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8,
        },
    )
    return session


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def htmx_requests_only(handle):
    """A route handler that answers htmx's requests with `handle` and lets the page's own
    full loads through, so the fallback links still work."""

    def route(route):
        if route.request.headers.get("hx-request") == "true":
            handle(route)
        else:
            route.continue_()

    return route


def fail_with_500(route):
    route.fulfill(status=500, content_type="text/html", body="<h1>Server error</h1>")


def offline(route):
    route.abort("internetdisconnected")


def duplicate_ids(page):
    return page.evaluate(
        """() => {
            const ids = Array.from(document.querySelectorAll("[id]"), (e) => e.id);
            return ids.filter((id, i) => ids.indexOf(id) !== i);
        }"""
    )


# 1. One preview at a time, whatever the network.


def test_repeated_taps_on_a_slow_link_open_one_preview_that_always_closes(site, phone):
    phone.goto(site + POINT)
    slow_network(phone)
    marker = phone.locator(".prose .marker").first
    marker.tap()
    expect(marker).to_have_attribute("aria-busy", "true")  # it shows that it is loading
    marker.tap()
    marker.tap()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_have_count(1)
    expect(dialog).to_be_focused()
    expect(marker).not_to_have_attribute("aria-busy", "true")
    phone.wait_for_timeout(1500)  # any request a second tap could have sent has arrived
    expect(phone.locator("[data-preview]")).to_have_count(1)
    assert duplicate_ids(phone) == []

    phone.keyboard.press("Escape")
    expect(phone.locator("[data-preview]")).to_have_count(0)
    expect(marker).to_have_attribute("aria-expanded", "false")

    marker.tap()
    expect(dialog).to_have_count(1)
    dialog.get_by_role("button", name="Close passage").tap()
    expect(phone.locator("[data-preview]")).to_have_count(0)


def test_quick_taps_on_two_markers_show_only_the_last_ones_preview(site, phone):
    phone.goto(site + POINT)
    slow_network(phone)
    markers = phone.locator(".prose .marker")
    first, second = markers.nth(0), markers.nth(1)
    first.tap()
    second.tap()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_have_count(1)
    expect(dialog).to_have_attribute("aria-label", f"Source {second.inner_text().strip()}")
    phone.wait_for_timeout(1500)
    expect(phone.locator("[data-preview]")).to_have_count(1)
    expect(first).to_have_attribute("aria-expanded", "false")
    expect(second).to_have_attribute("aria-expanded", "true")
    assert duplicate_ids(phone) == []
    dialog.get_by_role("button", name="Close passage").tap()
    expect(phone.locator("[data-preview]")).to_have_count(0)


def test_escape_while_a_preview_loads_cancels_it(site, phone):
    phone.goto(site + POINT)
    slow_network(phone)
    marker = phone.locator(".prose .marker").first
    marker.tap()
    expect(marker).to_have_attribute("aria-busy", "true")
    phone.keyboard.press("Escape")
    phone.wait_for_timeout(2000)
    expect(phone.locator("[data-preview]")).to_have_count(0)
    expect(marker).not_to_have_attribute("aria-busy", "true")


@pytest.mark.parametrize("failure", [offline, fail_with_500], ids=["offline", "500"])
def test_a_preview_that_cannot_load_falls_back_to_the_reference_list(site, phone, failure):
    phone.goto(site + POINT)
    phone.route("**/citations/**", htmx_requests_only(failure))
    marker = phone.locator(".prose .marker").nth(1)
    number = marker.inner_text().strip()
    target = marker.get_attribute("href")
    marker.tap()
    expect(phone).to_have_url(site + POINT + target)
    entry = phone.locator(target)
    expect(entry.get_by_role("alert")).to_have_text(
        f"The preview could not be loaded, so here is source {number} in the list."
    )
    expect(entry).to_be_focused()
    expect(entry).to_be_in_viewport()
    expect(phone.locator("[data-preview]")).to_have_count(0)


# 2. Filters and search that cannot disagree with themselves.


# Notes whether the results were ever marked busy, and whether "Loading…" was on screen
# while it was (checked a little after, as the indicator shows after a 0.15 s delay so quick
# answers do not flash it; the emulated 400 ms latency keeps the request open longer).
WATCH_BUSY = """() => {
  window.busySeen = {busy: false, loadingShown: false};
  new MutationObserver(function (records) {
    for (const record of records) {
      if (record.target.id !== "timeline-results") continue;
      if (record.target.getAttribute("aria-busy") !== "true") continue;
      window.busySeen.busy = true;
      setTimeout(function () {
        const loading = document.querySelector(".filters .loading");
        const shown = {visibilityProperty: true, opacityProperty: true};
        if (loading && loading.checkVisibility(shown)) {
          window.busySeen.loadingShown = true;
        }
      }, 250);
    }
  }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["aria-busy"]});
}"""


def test_key_repeat_through_the_party_select_ends_with_one_consistent_choice(site, page):
    page.goto(f"{site}/timeline/")
    slow_network(page)
    history = page.evaluate("history.length")
    # The busy state lasts one round trip; on a loaded machine the key presses themselves
    # can outlast it, so the page notes what it showed rather than the test sampling it.
    page.evaluate(WATCH_BUSY)
    select = page.get_by_label("Party")
    select.focus()
    for _ in range(6):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(35)  # a keyboard's repeat rate
    page.wait_for_function("() => window.busySeen.busy", timeout=15_000)
    expect(page.locator("#timeline-results[aria-busy]")).to_have_count(0, timeout=15_000)
    seen = page.evaluate("window.busySeen")
    assert seen == {"busy": True, "loadingShown": True}
    chosen = select.input_value()
    assert chosen
    expect(page).to_have_url(f"{site}/timeline/?party={chosen}")
    assert page.evaluate("history.length") == history + 1  # one entry, not six
    count = page.locator(".timeline__count")
    expect(page.locator("#live-status")).to_have_text(count.inner_text())
    shown = page.locator(".event__title").all_inner_texts()

    page.goto(f"{site}/timeline/?party={chosen}")  # the same address, loaded whole
    assert page.locator(".event__title").all_inner_texts() == shown
    expect(page.get_by_label("Party")).to_have_value(chosen)


def test_fast_typing_ends_with_the_box_the_address_and_the_results_agreeing(site, page):
    page.goto(f"{site}/search/")
    slow_network(page)
    box = page.get_by_role("searchbox")
    box.press_sequentially("day rate", delay=60)
    expect(page.get_by_role("status")).to_have_text("4 results for “day rate”", timeout=15_000)
    expect(page).to_have_url(re.compile(r"/search/\?q=day(%20|\+)rate$"))
    expect(box).to_have_value("day rate")

    box.fill("")
    expect(page).to_have_url(f"{site}/search/", timeout=15_000)
    expect(page.get_by_role("status")).to_have_text("")  # no count left behind
    expect(page.locator(".result")).to_have_count(0)


@pytest.mark.parametrize("failure", [offline, fail_with_500], ids=["offline", "500"])
def test_a_failed_filter_says_so_and_puts_the_control_back(site, page, failure):
    page.goto(f"{site}/timeline/?party=writers-guild-of-america")
    shown = page.locator(".event__title").all_inner_texts()
    page.route("**/timeline/**", htmx_requests_only(failure))
    page.get_by_label("Kind").select_option("strike")

    alert = page.locator("#timeline-results").get_by_role("alert")
    expect(alert).to_contain_text("The events for this choice could not be loaded")
    expect(page.get_by_label("Kind")).to_have_value("")  # as the list still shown
    expect(page.get_by_label("Party")).to_have_value("writers-guild-of-america")
    expect(page).to_have_url(f"{site}/timeline/?party=writers-guild-of-america")
    assert page.locator(".event__title").all_inner_texts() == shown

    retry = alert.get_by_role("link", name="Try again")
    query = parse_qs(urlsplit(retry.get_attribute("href")).query)
    assert query == {"party": ["writers-guild-of-america"], "kind": ["strike"]}
    page.unroute("**/timeline/**")
    retry.click()  # a plain link: the whole page, with what was asked for
    expect(page.get_by_label("Kind")).to_have_value("strike")


@pytest.mark.parametrize("failure", [offline, fail_with_500], ids=["offline", "500"])
def test_a_failed_search_says_so_rather_than_showing_an_earlier_querys_results(
    site, page, failure
):
    page.goto(f"{site}/search/")
    box = page.get_by_role("searchbox")
    box.press_sequentially("Netflix", delay=30)
    expect(page.locator(".result").first).to_be_visible()
    page.route("**/search/**", htmx_requests_only(failure))
    box.press_sequentially(" Disney", delay=30)

    alert = page.locator("#search-results").get_by_role("alert")
    expect(alert).to_contain_text("The results could not be loaded")
    expect(page.locator(".result")).to_have_count(0)
    expect(box).to_have_value("Netflix Disney")  # the reader's typing is kept
    page.unroute("**/search/**")
    alert.get_by_role("link", name="Try again").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Netflix(\+|%20)Disney$"))
    expect(page.locator(".result").first).to_be_visible()


def test_later_events_that_fail_to_load_say_so_and_keep_the_link(site, page):
    from tests.test_paging import make_large_content

    make_large_content(events=20, passages=20, points=1, positions=0, offers=0)
    page.goto(f"{site}/timeline/")
    page.route("**/timeline/**", htmx_requests_only(offline))
    later = page.get_by_role("link", name="Later events")
    later.click()
    expect(page.get_by_role("alert")).to_contain_text("The next events could not be loaded")
    expect(page).to_have_url(f"{site}/timeline/")
    expect(page.locator(".event")).to_have_count(20)
    expect(later).to_be_visible()


# 4. Reflow, target size and forced colours.


def public_pages():
    pages = ["/", "/timeline/", "/glossary/", "/search/?q=AI", "/search/?q=Netflix+zebra"]
    pages += [p.get_absolute_url() for p in StickingPoint.objects.published()]
    pages += [p.get_absolute_url() for p in Party.objects.all()]
    pages += [f"/sources/{s.slug}/" for s in Source.objects.all()]
    return pages


@pytest.mark.parametrize(
    ("width", "spacing"), [(320, False), (360, True)], ids=["320px", "360px-text-spacing"]
)
def test_no_page_scrolls_sideways(site, browser, width, spacing):
    # The override is a reader's own stylesheet, which the site's CSP would refuse.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    wide = {}
    for url in public_pages():
        page.goto(site + url)
        if spacing:
            page.add_style_tag(content=TEXT_SPACING)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[url] = scroll_width
    context.close()
    assert wide == {}


def test_citation_markers_are_at_least_24_px_targets(site, phone):
    for url in [POINT, "/parties/writers-guild-of-america/", "/timeline/"]:
        phone.goto(site + url)
        sizes = phone.locator(".marker").evaluate_all(
            "markers => markers.map((m) => [m.getBoundingClientRect().width,"
            " m.getBoundingClientRect().height])"
        )
        assert sizes, url
        assert all(w >= 24 and h >= 24 for w, h in sizes), (url, sizes)


def test_forced_colours_keep_the_current_page_marked_in_the_navigation(site, page):
    page.emulate_media(forced_colors="active")
    page.goto(f"{site}/timeline/")
    links = page.get_by_role("navigation", name="Site").get_by_role("link")
    styles = links.evaluate_all(
        "links => links.map((l) => [l.textContent, l.getAttribute('aria-current'),"
        " getComputedStyle(l).borderBottomStyle])"
    )
    current = [style for _, mark, style in styles if mark == "page"]
    others = [style for _, mark, style in styles if mark != "page"]
    assert current == ["solid"] and others and set(others) == {"none"}, styles


# 5. Cards on strict hosts.

POLICIES = {
    "scripts and styles allowed": "",
    "no scripts": "script-src 'none'",
    "no inline styles": "style-src 'self'",
    "neither": "script-src 'none'; style-src 'self'",
}


@pytest.fixture
def strict_host():
    """A host site on its own origin with a 300 px column, serving each page under the
    Content-Security-Policy named by its path."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            if self.path == "/column.css":
                body, kind, policy = ".column { width: 300px; margin: 0 auto; }", "text/css", ""
            else:
                name = self.path.strip("/").replace("-", " ")
                body, kind, policy = pages.get("story", ""), "text/html", POLICIES.get(name)
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            if policy:
                self.send_header("Content-Security-Policy", policy)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.pages = pages
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


@pytest.mark.parametrize("policy", POLICIES)
def test_a_card_fits_a_narrow_column_on_a_strict_host_with_its_link_in_view(
    site, strict_host, phone, policy
):
    phone.goto(site + POINT)
    snippet = html.unescape(phone.locator("#embed-snippet").input_value())
    strict_host.pages["story"] = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Host</title><link rel='stylesheet' href='/column.css'></head><body>"
        f"<div class='column'><h1>Our story</h1>{snippet}<p>After.</p></div></body></html>"
    )
    messages = []
    phone.on("console", lambda message: messages.append(message.text))
    phone.goto(f"{strict_host.url}/{policy.replace(' ', '-')}")

    iframe = phone.locator("iframe[data-strike-explainer]")
    card = phone.frame_locator("iframe[data-strike-explainer]")
    link = card.get_by_role("link", name="Read the full explainer, with every source")
    expect(link).to_be_visible()
    scripts_run = "script-src" not in POLICIES[policy]
    if scripts_run:  # sized to the card
        expect(iframe).not_to_have_attribute("height", "720")
    phone.wait_for_timeout(500)
    assert iframe.bounding_box()["width"] <= 300
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame = iframe.element_handle().content_frame()
    bottom, inner_height, scrolled = frame.evaluate(
        """() => [document.querySelector(".card__link").getBoundingClientRect().bottom,
                  window.innerHeight, window.scrollY]"""
    )
    assert scrolled == 0 and bottom <= inner_height  # no scrolling inside the frame
    # Nothing on the host's console, but for a host that forbids scripts its own
    # refusal of the snippet's script tag.
    refused = [m for m in messages if "embed.js" in m and "Content Security Policy" in m]
    assert [m for m in messages if m not in refused] == []
    assert bool(refused) is not scripts_run
