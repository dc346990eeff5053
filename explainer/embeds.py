"""Sticking points as cards for other sites: the framable card, its snippet, and the
oEmbed provider that hands the snippet to consumers."""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.log import log_response
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from explainer.models import Party, StickingPoint
from explainer.pagecache import cache_publicly, public_page
from explainer.positions import columns_for
from explainer.references import References, prefetch_citations

THEMES = {"auto", "light", "dark"}
VARIANTS = {"full", "compact"}
DEFAULTS = {"theme": "auto", "variant": "full"}
CARD_WIDTH = 560
# Heights for a card whose host page lacks the resizing script: tall enough for the
# seed's longest card at the default width (checked by a browser test); it scrolls beyond.
CARD_HEIGHT = {"full": 720, "compact": 460}
# The largest maxwidth or maxheight a consumer may ask for; the card is never larger.
MAX_PIXELS = 10_000
# How long an oEmbed consumer may keep a snippet (`cache_age`): it names the card,
# which browsers ask for afresh, so a change never waits on it.
MAX_AGE = 300
# The host-page script lives at an unhashed, versioned address so that pasted snippets
# keep working across deployments; a breaking change gets a new version folder.
RESIZER_PATH = "embed/v1/embed.js"
FRAMABLE_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def options(query):
    """The card's options; anything unrecognised falls back to the default."""
    theme = query.get("theme", "auto")
    variant = query.get("variant", "full")
    return {
        "theme": theme if theme in THEMES else "auto",
        "variant": variant if variant in VARIANTS else "full",
    }


def absolute(request, path):
    """An absolute URL on this site: the canonical SITE_URL when set, so snippets never
    depend on which host name or scheme a request happened to arrive by."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def embed_url(request, point, **chosen):
    query = urlencode({k: v for k, v in chosen.items() if v and v != DEFAULTS[k]})
    path = reverse("embed_card", args=[point.slug])
    return absolute(request, path + (f"?{query}" if query else ""))


def snippet(request, point, *, width=None, height=None, max_height=None, **chosen):
    """The HTML another site pastes: an iframe that works alone, and the script that
    lets it size itself (never past `max_height`, when a consumer sets one).

    It holds no inline style, which a host page's Content-Security-Policy may refuse
    (loudly, in its console): the iframe is as wide as the host's column by its own
    attribute, and the script caps it at `data-max-width` and takes off the border.
    Only a consumer that asks for a `width` (oEmbed's maxwidth) gets fixed pixels."""
    chosen = {**DEFAULTS, **chosen}
    height = height or CARD_HEIGHT[chosen["variant"]]
    return format_html(
        '<iframe src="{}" title="{} (Strike Explainer)" width="{}" height="{}" '
        'frameborder="0" loading="lazy" data-strike-explainer data-max-width="{}"{}>'
        '</iframe>\n<script async src="{}"></script>',
        embed_url(request, point, **chosen),
        point.question,
        width or "100%",
        height,
        width or CARD_WIDTH,
        format_html(' data-max-height="{}"', max_height) if max_height else "",
        absolute(request, settings.STATIC_URL + RESIZER_PATH),
    )


def embed_context(request, point):
    """What a sticking point's page needs to offer itself for embedding."""
    page_url = absolute(request, point.get_absolute_url())
    endpoint = absolute(request, reverse("oembed"))
    return {
        "snippet": snippet(request, point),
        "oembed_json": f"{endpoint}?{urlencode({'url': page_url, 'format': 'json'})}",
    }


def framable_not_found(request):
    """A card that is gone says so inside the host page, rather than as a refused frame."""
    response = render(request, "embed/missing.html", DEFAULTS, status=404)
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
@xframe_options_exempt
@csp_override(FRAMABLE_CSP)
@public_page(params=("theme", "variant"))
def embed_card(request, slug):
    point = StickingPoint.objects.published().with_as_of().filter(slug=slug).first()
    if point is None:
        return framable_not_found(request)
    chosen = options(request.GET)
    demands = list(
        point.demands.select_related("party__parent").prefetch_related(prefetch_citations())
    )
    sides = list(Party.objects.sides())
    # The sources behind the card: those of the explanation and of each side's demand.
    references = References()
    references.add_markdown(point.explanation)
    references.add_cited_by(demands)
    return render(
        request,
        "embed/card.html",
        {
            "point": point,
            "columns": columns_for(demands, sides),
            "note": point.notes.published().order_by("-published_at", "-pk").first(),
            "sources": references.sources,
            "updated": max([point.updated_at] + [d.updated_at for d in demands]),
            "page_url": absolute(request, point.get_absolute_url()),
            **chosen,
        },
    )


def _split(url):
    """`url`'s parts, or None for what Python's parser refuses: an unclosed IPv6
    bracket, or a host with characters that normalise to `/`, `?`, `#` or `@`."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _site_key(scheme, netloc):
    """Host and port, lowercased, with the scheme's default port left out; None for an
    address that does not parse or whose port is out of range."""
    parts = _split(f"{scheme}://{netloc}")
    if parts is None:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}.get(scheme)
    hostname = (parts.hostname or "").lower()
    return hostname if port in (None, default) else f"{hostname}:{port}"


def _ours(request, parts):
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        return False
    ours = {_site_key(request.scheme, request.get_host())}
    if settings.SITE_URL:
        site = urlsplit(settings.SITE_URL)
        ours.add(_site_key(site.scheme, site.netloc))
    key = _site_key(parts.scheme, parts.netloc)
    return key is not None and key in ours


def _resolve(path):
    """The view at `path`, or at `path` with the slash the site would redirect it to."""
    for candidate in [path, f"{path}/"]:
        try:
            return resolve(candidate)
        except Resolver404:
            continue
    raise Http404("Not one of our pages.")


def _point_for(request, parts):
    """The published sticking point that a URL's `parts` (its page or its card) show."""
    if parts is None or not _ours(request, parts):
        raise Http404("Not one of our pages.")
    match = _resolve(parts.path)
    if match.url_name not in {"sticking_point_detail", "embed_card"}:
        raise Http404("Only sticking points can be embedded.")
    point = (
        StickingPoint.objects.published().with_as_of().filter(slug=match.kwargs["slug"]).first()
    )
    if point is None:
        raise Http404("No published sticking point there.")
    return point


def _pixels(value, name):
    if value in (None, ""):
        return None
    # ASCII digits only ("٣٠٠".isdigit() is true), and few enough of them that int()
    # never meets a number of thousands of digits.
    digits = value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PIXELS))
    if not digits or not 1 <= int(value) <= MAX_PIXELS:
        raise ValueError(f"{name} must be a whole number of pixels from 1 to {MAX_PIXELS}.")
    return int(value)


def _oembed_response(data, status=200):
    response = JsonResponse(data, status=status)
    # Consumers may fetch from a browser; every answer, errors included, is public.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@public_page(params=("url", "format", "maxwidth", "maxheight"))
def oembed(request):
    if request.GET.get("format", "json") != "json":
        response = HttpResponse(
            "Only format=json is supported.", status=501, content_type="text/plain"
        )
        # The oEmbed answer to a format it does not offer, not a failure of the server:
        # logged as information, so it never reads as an error in the logs.
        log_response(
            "Unsupported oEmbed format: %s",
            request.path,
            response=response,
            request=request,
            level="info",
        )
        return response
    url = request.GET.get("url", "")
    if not url or len(url) > 2000:
        return _oembed_response({"error": "Give the URL of a sticking point as url."}, status=400)
    try:
        max_width = _pixels(request.GET.get("maxwidth"), "maxwidth")
        max_height = _pixels(request.GET.get("maxheight"), "maxheight")
    except ValueError as error:
        return _oembed_response({"error": str(error)}, status=400)
    parts = _split(url)
    try:
        point = _point_for(request, parts)
    except Http404:
        return _oembed_response({"error": "No embeddable sticking point at that URL."}, status=404)

    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    chosen = options(query)
    width = min(CARD_WIDTH, max_width or CARD_WIDTH)
    default_height = CARD_HEIGHT[chosen["variant"]]
    height = min(default_height, max_height or default_height)
    response = _oembed_response(
        {
            "version": "1.0",
            "type": "rich",
            "title": point.question,
            "provider_name": "Strike Explainer",
            "provider_url": absolute(request, reverse("home")),
            "cache_age": MAX_AGE,
            "html": snippet(
                request,
                point,
                width=width if max_width else None,
                height=height,
                max_height=max_height,
                **chosen,
            ),
            "width": width,
            "height": height,
            # Beyond the oEmbed fields: the date the account runs to, so a consumer
            # never shows the state of August 2023 as today's.
            "as_of": point.as_of.iso if point.as_of else None,
            "as_of_text": f"as of {point.as_of}" if point.as_of else None,
        }
    )
    cache_publicly(response)
    return response
