"""The admin's helpers for editors: a live preview of an explanation, a quote picker
that fills a passage from its source exactly, and what needs attention."""

import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from explainer.markdown import render_markdown
from explainer.models import Citation, Demand, Party, Source, StickingPoint
from explainer.references import References

SENTENCE_END = re.compile(r"(?<=[.!?:”\"])\s+|\n\s*\n")
MAX_SENTENCES = 12
MAX_PREVIEW = 20_000


class PreviewTextarea(forms.Textarea):
    """An explanation's text area, with the reader's view of it beside it."""

    template_name = "admin/widgets/preview_textarea.html"

    def __init__(self, preview_url, attrs=None):
        super().__init__(attrs={"rows": 24, **(attrs or {})})
        self.preview_url = preview_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["preview_url"] = self.preview_url
        return context


class QuotePickerTextarea(forms.Textarea):
    """A passage's text area, with a search of its source's sentences that fills it."""

    template_name = "admin/widgets/quote_picker.html"

    def __init__(self, sentences_url, attrs=None):
        super().__init__(attrs={"rows": 4, **(attrs or {})})
        self.sentences_url = sentences_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["sentences_url"] = self.sentences_url
        return context


@require_POST
def explanation_preview(request):
    """The explanation as readers would see it, with its numbered sources and anything
    that would stop it from saving. POSTed: drafts are long, and stay out of logs."""
    if not request.user.has_perm("explainer.change_stickingpoint") and not (
        request.user.has_perm("explainer.add_stickingpoint")
    ):
        raise PermissionDenied
    text = request.POST.get("explanation", "")
    if len(text) > MAX_PREVIEW:
        return HttpResponseBadRequest("The explanation is too long to preview.")
    point = StickingPoint(explanation=text, publication=StickingPoint.Publication.PUBLISHED)
    problems = []
    try:
        point.clean()
    except ValidationError as error:
        problems = [m for messages in error.message_dict.values() for m in messages]
    references = References()
    references.add_markdown(text)
    return render(
        request,
        "admin/explainer/explanation_preview.html",
        {"html": render_markdown(text), "references": references, "problems": problems},
    )


def sentences(text):
    """The source's sentences (and paragraphs without a full stop), as printed."""
    return [part.strip() for part in SENTENCE_END.split(text) if part and part.strip()]


def is_pk(model, value):
    """Whether `value` can be `model`'s primary key. str.isdigit() is no test: it is true
    of "²", which int() refuses, and of numbers too long for int() to convert."""
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


@require_safe
def source_sentences(request):
    """Sentences of a source that contain every word typed, for the quote picker."""
    if not request.user.has_perm("explainer.view_source"):
        raise PermissionDenied
    words = request.GET.get("find", "").split()[:12]
    source_id = request.GET.get("source", "")
    source = Source.objects.filter(pk=source_id).first() if is_pk(Source, source_id) else None
    if source is None or not words:
        found = []
    else:
        found = [
            sentence
            for sentence in sentences(source.text)
            if all(word.casefold() in sentence.casefold() for word in words)
        ][:MAX_SENTENCES]
    return render(
        request,
        "admin/explainer/source_sentences.html",
        {"source": source, "words": words, "sentences": found},
    )


def needs_attention():
    """What editors should look at: passages that no longer match, sticking points a
    side has no position on, and drafts."""
    sides = list(Party.objects.sides())
    points = StickingPoint.objects.annotate(
        **{
            f"has_{side.pk}": Exists(
                Demand.objects.filter(sticking_point=OuterRef("pk"), party=side)
            )
            for side in sides
        }
    )
    missing = [
        (point, [side for side in sides if not getattr(point, f"has_{side.pk}")])
        for point in points
    ]
    return {
        "broken": list(Citation.objects.filter(position__isnull=True).select_related("source")),
        "missing": [(point, gaps) for point, gaps in missing if gaps],
        "drafts": list(StickingPoint.objects.filter(publication="draft")),
    }
