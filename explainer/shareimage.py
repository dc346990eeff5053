"""A sticking point's share image: the 1200x630 PNG that social sites show beside a
link to it (named in the page's Open Graph and Twitter card tags), with its question,
where it stands and the date its account runs to.

Drawn with Pillow in its bundled font, so it looks the same on every machine; it is a
public page like any other (`public_page`), drawn once per content version.
"""

import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from explainer.models import StickingPoint
from explainer.pagecache import public_page

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
INK, PAPER, MUTED = "#1d1d1f", "#fbfaf7", "#55565c"
# The site's status colours (static/css/site.css), dark enough for white text.
STATUS_COLOURS = {
    "no_offer": "#8a5300",
    "contested": "#55565c",
    "offer_rejected": "#9c2b17",
    "agreed": "#1e6b3a",
}


def _font(size):
    return ImageFont.load_default(size=size)


def _wrap(draw, text, font, width, max_lines):
    """Lines of `text` that fit `width`, at most `max_lines`, the last one ending in an
    ellipsis when the text does not fit."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        lines.append(line)
        line = word
        if len(lines) == max_lines:
            last = lines[-1]
            while last and draw.textlength(last + "…", font=font) > width:
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            lines[-1] = last + "…"
            return lines
    if line:
        lines.append(line)
    return lines


def render(point):
    """The PNG's bytes for `point` (annotated by `with_as_of()`)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 14], fill=INK)
    draw.text(
        (MARGIN, 64), "STRIKE EXPLAINER · THE 2023 WRITERS' STRIKE", font=_font(28), fill=MUTED
    )

    question_font = _font(64)
    lines = _wrap(draw, point.question, question_font, WIDTH - 2 * MARGIN, max_lines=4)
    y = 130
    for line in lines:
        draw.text((MARGIN, y), line, font=question_font, fill=INK)
        y += 78

    status_font = _font(32)
    label = point.get_standing_display()
    label_width = draw.textlength(label, font=status_font)
    top = HEIGHT - 150
    draw.rounded_rectangle(
        [MARGIN, top, MARGIN + label_width + 40, top + 56],
        radius=10,
        fill=STATUS_COLOURS.get(point.standing, MUTED),
    )
    draw.text((MARGIN + 20, top + 10), label, font=status_font, fill="#ffffff")
    as_of = point.as_of
    footer = f"As of {as_of}" if as_of else "No dated source yet"
    draw.text(
        (MARGIN, HEIGHT - 70),
        f"{footer} · every claim linked to its source",
        font=_font(28),
        fill=MUTED,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@require_safe
@public_page
def share_image(request, slug):
    point = get_object_or_404(StickingPoint.objects.published().with_as_of(), slug=slug)
    return HttpResponse(render(point), content_type="image/png")
