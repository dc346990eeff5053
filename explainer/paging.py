"""Long lists in pages of a fixed size, so no page grows with the content.

A `page` parameter is a whole number from 1 to the last page. Anything else is the
reader's mistake, answered with a message and a status, never an exception: text that is
not a page number is a 400, a number past the last page a 404 that names the last page.
"""

from django.core.paginator import Paginator

# Enough digits for any real page; a longer value is refused before it is parsed.
MAX_DIGITS = 6


class PageError(Exception):
    """A `page` parameter that names no page. `status` is the HTTP status to answer
    with; `last` is the last page there is (when known), for a link to it."""

    def __init__(self, message, *, status, last=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.last = last


def page_number(value):
    """The page a `page` parameter asks for: 1 when it is absent or empty."""
    value = (value or "").strip()
    if not value:
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > MAX_DIGITS or int(value) < 1:
        raise PageError("Page numbers are whole numbers, starting at 1.", status=400)
    return int(value)


def get_page(items, request, per_page, *, noun="items"):
    """The page of `items` (an ordered queryset) that `request.GET["page"]` asks for."""
    number = page_number(request.GET.get("page"))
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        last = paginator.num_pages
        raise PageError(
            f"There is no page {number}: these {noun} fill {last} page{'s' if last != 1 else ''}.",
            status=404,
            last=last,
        )
    return paginator.page(number)
