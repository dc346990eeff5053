"""Edits that span several objects, and what an editor is told about them."""

from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html_join


def uses(citation):
    """Everything that cites `citation`, as (description, admin address) pairs, in words
    an editor knows."""
    found = []
    for point in citation.explained_points.all():
        found.append((f"the explanation of “{point}”", _admin_url(point)))
    for party in citation.described_parties.all():
        found.append((f"the description of {party}", _admin_url(party)))
    for demand in citation.demands.select_related("party", "sticking_point"):
        found.append(
            (f"{demand.party}'s position on “{demand.sticking_point}”", _admin_url(demand))
        )
    for offer in citation.offers.all():
        found.append((f"the summary of the offer “{offer}”", _admin_url(offer)))
    for offer in citation.receptions.all():
        found.append((f"how the offer “{offer}” was received", _admin_url(offer)))
    for term in citation.offer_terms.select_related("offer", "sticking_point"):
        found.append((f"the term of “{term.offer}” on “{term.sticking_point}”", _admin_url(term)))
    for event in citation.events.all():
        found.append((f"the event “{event.title}”", _admin_url(event)))
    return found


def uses_html(citation):
    """Where `citation` is cited, as links for an admin message."""
    return format_html_join(", ", '<a href="{}">{}</a>', ((u, t) for t, u in uses(citation)))


def _admin_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@transaction.atomic
def rename_markers(*, citation, old_key):
    """Rewrite every [^old_key] marker to the citation's new key, so prose keeps citing
    the passage it cited; each rewritten object is saved as an edit of its own."""
    old, new = f"[^{old_key}]", f"[^{citation.key}]"
    for point in citation.explained_points.all():
        point.explanation = point.explanation.replace(old, new)
        point.save()
    for party in citation.described_parties.all():
        party.description = party.description.replace(old, new)
        party.save()
