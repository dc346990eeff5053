"""Sticking points as cards for other sites: the framable card, its snippet, and the
oEmbed provider that hands the snippet to consumers."""

import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from explainer.models import StickingPoint
from explainer.references import prefetch_citations

THEMES = {"auto", "light", "dark"}
VARIANTS = {"full", "compact"}
CARD_WIDTH = 560
CARD_HEIGHT = {"full": 480, "compact": 260}
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


def embed_url(request, point, **chosen):
    query = "&".join(
        f"{name}={value}"
        for name, value in chosen.items()
        if value and value != {"theme": "auto", "variant": "full"}[name]
    )
    path = reverse("embed_card", args=[point.slug])
    return request.build_absolute_uri(path + (f"?{query}" if query else ""))


def resizer_url(request):
    return request.build_absolute_uri(settings.STATIC_URL + RESIZER_PATH)


def snippet(request, point, *, width=CARD_WIDTH, height=None, variant="full", theme="auto"):
    """The HTML another site pastes: an iframe that works alone, and the script that
    lets it size itself."""
    height = height or CARD_HEIGHT[variant]
    return format_html(
        '<iframe src="{}" title="{} (Strike Explainer)" width="{}" height="{}" '
        'loading="lazy" data-strike-explainer style="width:100%;max-width:{}px;border:0">'
        '</iframe>\n<script async src="{}"></script>',
        embed_url(request, point, theme=theme, variant=variant),
        point.question,
        width,
        height,
        width,
        resizer_url(request),
    )


def embed_context(request, point):
    """What a sticking point's page needs to offer itself for embedding."""
    page_url = request.build_absolute_uri(point.get_absolute_url())
    oembed = request.build_absolute_uri(reverse("oembed"))
    return {
        "snippet": snippet(request, point),
        "oembed_json": f"{oembed}?{urlencode({'url': page_url, 'format': 'json'})}",
    }


def card_etag(point, demands, terms, chosen):
    stamps = [point.updated_at]
    for demand in demands:
        stamps += [demand.pk, demand.updated_at, demand.party.updated_at]
        stamps += [(c.pk, c.updated_at, c.source.updated_at) for c in demand.citations.all()]
    for term in terms:
        stamps += [term.pk, term.updated_at, term.offer.updated_at]
    return hashlib.blake2b(repr((stamps, chosen)).encode(), digest_size=10).hexdigest()


@require_safe
@xframe_options_exempt
@csp_override(FRAMABLE_CSP)
def embed_card(request, slug):
    point = get_object_or_404(StickingPoint.objects.published(), slug=slug)
    chosen = options(request.GET)
    demands = list(point.demands.select_related("party").prefetch_related(prefetch_citations()))
    terms = list(point.offer_terms.select_related("offer"))

    etag = f'"{card_etag(point, demands, terms, chosen)}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        sides = {}
        for demand in demands:
            sides.setdefault(demand.party, demand)
        sources = {c.source for demand in demands for c in demand.citations.all()}
        updated = max(
            [point.updated_at]
            + [d.updated_at for d in demands]
            + [t.updated_at for t in terms]
            + [t.offer.updated_at for t in terms]
        )
        response = render(
            request,
            "embed/card.html",
            {
                "point": point,
                "sides": list(sides.values()),
                "sources": sorted(sources, key=lambda s: (s.published_on is None, s.title)),
                "updated": updated,
                "page_url": request.build_absolute_uri(point.get_absolute_url()),
                **chosen,
            },
        )
        response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _point_for(request, url):
    """The published sticking point that `url` (its page or its card) shows."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
        raise Http404("Not one of our pages.")
    try:
        match = resolve(parts.path)
    except Resolver404 as error:
        raise Http404("Not one of our pages.") from error
    if match.url_name not in {"sticking_point_detail", "embed_card"}:
        raise Http404("Only sticking points can be embedded.")
    return get_object_or_404(StickingPoint.objects.published(), slug=match.kwargs["slug"])


def _positive(value, name):
    if value in (None, ""):
        return None
    if not value.isdigit() or not 0 < int(value) <= 10000:
        raise ValueError(f"{name} must be a whole number of pixels from 1 to 10000.")
    return int(value)


@require_safe
def oembed(request):
    if request.GET.get("format", "json") != "json":
        return HttpResponse(
            "Only format=json is supported.", status=501, content_type="text/plain"
        )
    url = request.GET.get("url", "")
    if not url or len(url) > 2000:
        return JsonResponse({"error": "Give the URL of a sticking point as url."}, status=400)
    try:
        max_width = _positive(request.GET.get("maxwidth"), "maxwidth")
        max_height = _positive(request.GET.get("maxheight"), "maxheight")
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    try:
        point = _point_for(request, url)
    except Http404:
        return JsonResponse({"error": "No embeddable sticking point at that URL."}, status=404)

    chosen = options(_query(url))
    width = min(CARD_WIDTH, max_width or CARD_WIDTH)
    height = min(CARD_HEIGHT[chosen["variant"]], max_height or CARD_HEIGHT[chosen["variant"]])
    response = JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": point.question,
            "provider_name": "Strike Explainer",
            "provider_url": request.build_absolute_uri(reverse("home")),
            "cache_age": MAX_AGE,
            "html": snippet(request, point, width=width, height=height, **chosen),
            "width": width,
            "height": height,
        }
    )
    # Consumers may fetch from the browser; the answer is public either way.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _query(url):
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}
