import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from explainer import admin_tools, citations, copyguard, editing
from explainer.models import (
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    Note,
    Offer,
    OfferTerm,
    Party,
    SearchEquivalent,
    Source,
    StickingPoint,
    source_index,
)


class LoadedVersionField(forms.IntegerField):
    """The version a form was loaded with. It is bookkeeping, never an edit: a form whose
    only difference is this field has not changed, and is neither checked nor saved."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class ConcurrencyForm(forms.ModelForm):
    """Refuses a save based on an older version than the stored one, saying who changed
    it, when and what, and keeps the editor's typing to reconcile; the next save,
    after reconciling, goes through."""

    loaded_version = LoadedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # From the table, not the instance: a revert starts from an old instance.
            self.initial["loaded_version"] = self._stored_version()
            self._start_from_history()

    def _start_from_history(self):
        """A revert's form shows the old version's cited passages (and other related
        lists), not today's: the history keeps them beside the fields."""
        record = getattr(self.instance, "_history", None)
        for field in getattr(record, "_history_m2m_fields", []):
            if field.name not in self.fields:
                continue
            rows = getattr(record, field.name).all()
            link = next(
                f for f in rows.model._meta.fields if f.related_model is field.related_model
            )
            self.initial[field.name] = [getattr(row, link.attname) for row in rows]

    def _stored_version(self, lock=False):
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            # Held until the save commits, so two saves cannot both pass this check.
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        reverting = hasattr(self.instance, "_history")
        if self.instance.pk is None or loaded is None:
            return cleaned_data
        if not (self.has_changed() or reverting):
            return cleaned_data
        stored = self._stored_version(lock=True)
        if stored is not None and stored != loaded:
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = stored
            self._show_their_changes(loaded, cleaned_data)
            raise ValidationError(self._conflict_message(loaded))
        return cleaned_data

    def _show_their_changes(self, loaded, cleaned_data):
        """Fields this editor left as they loaded them now show the stored values, so
        saving again keeps the other editor's changes and only this editor's own edits
        replace them."""
        seen = self.instance.history.filter(version=loaded).first()
        if seen is None:
            return
        current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        old = seen.instance
        for name in self.fields:
            try:
                field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if name not in cleaned_data:
                continue
            if field.many_to_many:
                if name not in {f.name for f in getattr(seen, "_history_m2m_fields", [])}:
                    continue
                rows = getattr(seen, name).all()
                link = next(
                    f for f in rows.model._meta.fields if f.related_model is field.related_model
                )
                before = {getattr(row, link.attname) for row in rows}
                mine = {obj.pk for obj in cleaned_data[name] or []}
                now = set(getattr(current, name).values_list("pk", flat=True))
                if mine == before and now != before:
                    self.data.setlist(self.add_prefix(name), [str(pk) for pk in sorted(now)])
                continue
            before = field.value_from_object(old)
            mine = getattr(cleaned_data[name], "pk", cleaned_data[name])
            now = field.value_from_object(current)
            if mine == before and now != before:
                shown = self.fields[name].prepare_value(now)
                self.data[self.add_prefix(name)] = "" if shown is None else str(shown)

    def _conflict_message(self, loaded):
        history = self.instance.history.all()
        latest, seen = history.first(), history.filter(version=loaded).first()
        who = str(latest.history_user) if latest and latest.history_user else "Someone"
        when = latest.history_date.strftime("%B %-d, %Y at %H:%M UTC") if latest else "just now"
        changed = []
        if latest and seen:
            for change in latest.diff_against(seen, excluded_fields=["version"]).changes:
                field = self.instance._meta.get_field(change.field)
                changed.append(str(field.verbose_name))
        what = f" They changed: {', '.join(changed)}." if changed else ""
        return (
            f"Not saved: {who} changed this {self.instance._meta.verbose_name} on {when}, "
            f"after you opened it.{what} Your own edits are still in the form, and the "
            "fields you had not touched now show their changes: check, then save again."
        )


class QuietHistoryContext(HistoricalRecordContextHelper):
    """The history's list of changes, without the version counter."""

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field != "version"]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


class EditorAdmin(SimpleHistoryAdmin):
    """What every content model's admin shares: history with diffs and revert, and
    refusal of saves based on an older version."""

    form = ConcurrencyForm
    save_on_top = True
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["django_htmx/htmx-2.min.js", "js/admin.js"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and hasattr(obj, "updated_at"):
            fields.append("updated_at")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not any("loaded_version" in options["fields"] for _, options in fieldsets):
            name, options = fieldsets[0]
            fieldsets = [(name, {**options, "fields": [*options["fields"], "loaded_version"]})]
            fieldsets += super().get_fieldsets(request, obj)[1:]
        return fieldsets

    def get_historical_record_context_helper(self, request, historical_record):
        return QuietHistoryContext(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        if not self._is_valid_id(object_id):
            raise Http404("No such object.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A revert is a change: only those who may change the object may make one, and
        it is saved in one transaction, like any other change."""
        versions = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        if not (self._is_valid_id(object_id) and admin_tools.is_pk(versions.model, version_id)):
            raise Http404("No such version.")
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or self.revert_disabled(request, obj):
                raise PermissionDenied
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _is_valid_id(self, object_id):
        return admin_tools.is_pk(self.model, unquote(object_id))


class MatchesSourceFilter(admin.SimpleListFilter):
    title = "matches its source"
    parameter_name = "matches"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No — needs fixing")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(position__isnull=False)
        if self.value() == "no":
            return queryset.filter(position__isnull=True)
        return queryset


class CitationForm(ConcurrencyForm):
    """Refuses a new or edited passage that its source does not contain.

    What counts as edited is measured against the stored row, not the form's starting
    point, which for a revert is an old version. Unedited citations are left alone, so
    an editor can correct a source's text (the source's page checks cited ones).
    """

    TRACKED = ["source", "key", "passage", "kind", "speaker", "about"]

    def clean(self):
        cleaned_data = super().clean()
        stored = None
        if self.instance.pk:
            stored = (
                Citation.objects.filter(pk=self.instance.pk)
                .values("source", "key", "passage", "kind", "speaker", "about")
                .first()
            )
        self.stored_key = stored["key"] if stored else None
        edited = self._edited(cleaned_data, stored)
        source = cleaned_data.get("source") or getattr(self.instance, "source", None)
        passage = cleaned_data.get("passage")
        checkable = source is not None and passage and {"source", "passage"} & edited
        if checkable and citations.locate(passage, source.text) is None:
            self.add_error(
                "passage",
                f"This passage does not occur in “{source}”. Copy it exactly from the "
                "source's text; quotes, dashes and line breaks may differ, words may not.",
            )
        if stored and {"kind", "speaker", "about"} & edited:
            self._keep_positions_attributed(cleaned_data)
        return cleaned_data

    def _edited(self, cleaned_data, stored):
        if stored is None:
            return set(self.TRACKED)
        edited = set()
        for name in self.TRACKED:
            if name not in cleaned_data:
                continue
            value = cleaned_data[name]
            value = getattr(value, "pk", value)
            if value != stored[name]:
                edited.add(name)
        return edited

    def _keep_positions_attributed(self, cleaned_data):
        """A citation's kind, speaker or subject decides who a position citing it is
        stated by; a change that would leave such a position unsupported is refused."""
        changed = Citation(
            pk=self.instance.pk,
            kind=cleaned_data.get("kind"),
            speaker=cleaned_data.get("speaker"),
            about=cleaned_data.get("about"),
        )
        broken = []
        for position in Demand.objects.filter(citations=changed.pk).select_related(
            "party", "sticking_point"
        ):
            cited = [
                changed if c.pk == changed.pk else c
                for c in position.citations.select_related("speaker", "about")
            ]
            if position.attribution_error(cited):
                broken.append(f"{position.party} on “{position.sticking_point}”")
        if broken:
            self.add_error(
                "kind",
                "This change would leave positions citing this passage without support "
                "for who states them: " + "; ".join(broken) + ". Change those positions "
                "first.",
            )


class CheckedInlineFormSet(BaseInlineFormSet):
    """Rows marked for deletion are checked too: one that someone changed after this
    page was opened is not deleted unseen."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            loaded = form.cleaned_data.get("loaded_version")
            if form.instance.pk is None or loaded is None:
                continue
            stored = form._stored_version(lock=True)
            if stored is not None and stored != loaded:
                raise ValidationError(
                    f"Not saved: “{form.instance}” was changed after you opened this page, "
                    "so it was not deleted. Reload the page to see the change."
                )


class CitationInlineFormSet(CheckedInlineFormSet):
    """A source's text and its passages are saved together: a new text that would stop
    a cited passage from matching is refused unless the same save corrects the passage,
    and a cited passage cannot be deleted here either. Every cited passage of the source
    is checked as stored, including ones added after this page was opened."""

    def clean(self):
        super().clean()
        text = self.instance.text or ""
        forms = {form.instance.pk: form for form in self.forms if form.instance.pk}
        problems = []
        stored = self.instance.citations.select_for_update() if self.instance.pk else []
        for citation in stored:
            if not citation.is_cited():
                continue
            form = forms.get(citation.pk)
            if form is not None and self.can_delete and self._should_delete_form(form):
                problems.append(
                    format_html(
                        "“{}” cannot be deleted: it is cited in {}.",
                        citation.key,
                        editing.uses_html(citation),
                    )
                )
                continue
            passage = citation.passage
            if form is not None:
                passage = form.cleaned_data.get("passage", passage)
            if citations.locate(passage, text) is None:
                problems.append(
                    format_html(
                        "“{}” ({}) would no longer match the text; it is cited in {}.",
                        passage,
                        citation.key,
                        editing.uses_html(citation),
                    )
                )
        if problems:
            raise ValidationError(
                [
                    "Not saved: published claims would lose their source. Correct these "
                    "passages in the same save, or keep the text they quote."
                ]
                + problems
            )


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = CitationInlineFormSet
    fields = ["key", "passage", "kind", "speaker", "about", "matches", "loaded_version"]
    readonly_fields = ["matches"]
    autocomplete_fields = ["speaker", "about"]
    extra = 0
    show_change_link = True

    @admin.display(boolean=True, description="matches")
    def matches(self, obj):
        return obj.is_verified


class SourceForm(ConcurrencyForm):
    """On its own page a source's passages are saved beside its text and checked there
    (CitationInlineFormSet). A revert restores the text alone, so it is checked here:
    no cited passage may stop matching."""

    def clean(self):
        cleaned_data = super().clean()
        text = cleaned_data.get("text")
        if not hasattr(self.instance, "_history") or text is None or not self.instance.pk:
            return cleaned_data
        lost = [
            citation
            for citation in Citation.objects.filter(source=self.instance.pk).select_for_update()
            if citation.is_cited() and citations.locate(citation.passage, text) is None
        ]
        if lost:
            self.add_error(
                "text",
                "This version's text does not contain passages that are cited now: "
                + ", ".join(f"“{c.passage}” ({c.key})" for c in lost)
                + ". Correct those passages first, or keep the current text.",
            )
        return cleaned_data


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "published_on", "citation_count", "broken_count"]
    list_filter = ["publisher", "names_sources", "published_on"]
    search_fields = ["title", "publisher", "author", "credits", "text"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    inlines = [CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                citation_count=Count("citations"),
                broken_count=Count("citations", filter=Q(citations__position__isnull=True)),
            )
        )

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="not matching", ordering="broken_count")
    def broken_count(self, obj):
        return obj.broken_count or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if hasattr(obj, "_history"):
            # A revert has no passages beside it to save: locate them in the text now.
            citations.recheck(source=obj)

    def save_formset(self, request, form, formset, change):
        renamed = [
            (f.instance, f.stored_key)
            for f in formset.forms
            if getattr(f, "stored_key", None)
            and f.stored_key != f.instance.key
            and not formset._should_delete_form(f)
        ]
        super().save_formset(request, form, formset, change)
        for citation, old_key in renamed:
            editing.rename_markers(citation=citation, old_key=old_key)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        broken = citations.recheck(source=form.instance)
        if broken:
            keys = ", ".join(citation.key for citation in broken)
            self.message_user(
                request,
                f"{len(broken)} citation(s) no longer match this source's text: {keys}. "
                "They are hidden from readers until their passages are fixed.",
                messages.WARNING,
            )


@admin.register(Citation)
class CitationAdmin(EditorAdmin):
    form = CitationForm
    list_display = ["key", "excerpt", "kind", "speaker", "about", "source", "matches"]
    list_filter = [MatchesSourceFilter, "kind", "source", "speaker", "about"]
    list_select_related = ["source", "speaker", "about"]
    search_fields = ["key", "passage", "speaker__name", "about__name"]
    autocomplete_fields = ["source", "speaker", "about"]
    readonly_fields = ["position"]
    fields = ["source", "key", "passage", "kind", "speaker", "about", "position"]

    def get_urls(self):
        sentences = self.admin_site.admin_view(admin_tools.source_sentences)
        return [
            path("sentences/", sentences, name="explainer_citation_sentences"),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "passage":
            kwargs["widget"] = admin_tools.QuotePickerTextarea(
                reverse_lazy("admin:explainer_citation_sentences")
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_deleted_objects(self, objs, request):
        """A cited passage is refused deletion, listing where it is cited: Django's
        confirmation page then says it cannot be deleted, and why."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for citation in objs:
            if citation.is_cited():
                protected.append(
                    format_html(
                        "Citation “{}” is cited in {}", citation.key, editing.uses_html(citation)
                    )
                )
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        old_key = getattr(form, "stored_key", None)
        if change and old_key and old_key != obj.key:
            editing.rename_markers(citation=obj, old_key=old_key)
            self.message_user(
                request, f"Markers citing [^{old_key}] now read [^{obj.key}].", messages.INFO
            )

    @admin.display(description="passage")
    def excerpt(self, obj):
        return Truncator(obj.passage).chars(90)

    @admin.display(boolean=True, description="matches source", ordering="position")
    def matches(self, obj):
        return obj.is_verified


@admin.register(Party)
class PartyAdmin(EditorAdmin):
    list_display = ["name", "short_name", "kind", "parent", "updated_at"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "short_name", "kind", "role", "parent", "description"]


class ClaimForm(ConcurrencyForm):
    """A claim may cite only passages that still match their source."""

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            chosen = cleaned_data.get(name)
            if getattr(field, "queryset", None) is None or field.queryset.model is not Citation:
                continue
            broken = [c.key for c in chosen or [] if not c.is_verified]
            if broken:
                self.add_error(
                    name,
                    "These passages no longer match their sources; fix them before citing "
                    "them: " + ", ".join(broken) + ".",
                )
        return cleaned_data


class DemandForm(ClaimForm):
    """Refuses a position whose cited passages do not bear out who states it."""

    def clean(self):
        cleaned_data = super().clean()
        party, cited = cleaned_data.get("party"), cleaned_data.get("citations")
        if party is not None and cited is not None:
            position = Demand(party=party, stated_by=cleaned_data.get("stated_by"))
            error = position.attribution_error(list(cited.select_related("speaker", "about")))
            if error:
                self.add_error("stated_by", error)
        return cleaned_data


class DemandInline(admin.StackedInline):
    model = Demand
    form = DemandForm
    formset = CheckedInlineFormSet
    fields = ["party", "stated_by", "summary", "citations", "order", "loaded_version"]
    autocomplete_fields = ["party", "citations"]
    extra = 0


class NoteInlineFormSet(CheckedInlineFormSet):
    """A published correction cannot be deleted here either (see Note)."""

    def clean(self):
        super().clean()
        kept = [
            form.instance
            for form in self.deleted_forms
            if form.instance.pk and form.instance.stored_correction()
        ]
        if kept:
            raise ValidationError(
                "Not saved: a published correction is never deleted, so readers can always "
                "see what was corrected. Untick “Delete” on it; to add to it, write a "
                "clarification or an update."
            )


class NoteInline(admin.StackedInline):
    model = Note
    form = ConcurrencyForm
    formset = NoteInlineFormSet
    fields = ["kind", "text", "publication", "published_at", "loaded_version"]
    readonly_fields = ["published_at"]
    extra = 0
    verbose_name = "correction or update"
    verbose_name_plural = "Corrections and updates (shown at the top of the page)"


class StickingPointForm(ConcurrencyForm):
    public_summary = forms.CharField(
        label="What changed, for readers",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=(
            "For a published sticking point: one sentence, listed with today's date in the "
            "public changelog and its feed. Leave blank for a fix that changes no meaning "
            "(a typo). A mistake readers relied on needs a correction below instead."
        ),
    )

    def clean_public_summary(self):
        text = self.cleaned_data["public_summary"].strip()
        copied = source_index().copied(text, markdown=False)
        if copied:
            raise ValidationError(copyguard.message(copied))
        return text


@admin.register(StickingPoint)
class StickingPointAdmin(EditorAdmin):
    form = StickingPointForm
    list_display = ["title", "question", "standing", "publication", "order", "updated_at"]
    list_editable = ["order"]
    list_filter = ["publication", "standing"]
    search_fields = ["title", "question", "short_answer", "explanation"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [NoteInline, DemandInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["as_of"]

    def view_on_site(self, obj):
        # Public pages show only what is published; editors read drafts in preview.
        return reverse("preview_sticking_point", args=[obj.slug])

    fieldsets = [
        (None, {"fields": ["title", "slug", "question", "short_answer"]}),
        ("Explanation", {"fields": ["explanation"]}),
        ("Status", {"fields": ["standing", "as_of", "publication", "order"]}),
        ("Changelog", {"fields": ["public_summary"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj._public_summary = form.cleaned_data.get("public_summary", "")
        super().save_model(request, obj, form, change)

    @admin.display(description="account as of")
    def as_of(self, obj):
        return obj.as_of or "No dated source yet" if obj.pk else "Once saved: the newest source"

    def get_urls(self):
        preview = self.admin_site.admin_view(admin_tools.explanation_preview)
        return [
            path("preview/", preview, name="explainer_stickingpoint_preview"),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "explanation":
            kwargs["widget"] = admin_tools.PreviewTextarea(
                reverse_lazy("admin:explainer_stickingpoint_preview")
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description="Publish the selected sticking points")
    def publish(self, request, queryset):
        published, refused = 0, []
        for point in queryset:
            point.publication = StickingPoint.Publication.PUBLISHED
            try:
                point.full_clean()
            except ValidationError:
                refused.append(point.title)
                continue
            # One save each, so the history records who published what.
            point._change_reason = "Published"
            point.save()
            published += 1
        self.message_user(request, f"Published {published} sticking point(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                "Not published, because they have problems to fix (citations, or words "
                "copied from a source): " + ", ".join(refused) + ". Open each one to see "
                "what to fix.",
                messages.ERROR,
            )

    @admin.action(description="Return the selected sticking points to draft")
    def unpublish(self, request, queryset):
        count = 0
        published = queryset.exclude(publication=StickingPoint.Publication.DRAFT)
        corrected = published.filter(
            notes__kind=Note.Kind.CORRECTION, notes__publication=Note.Publication.PUBLISHED
        ).distinct()
        if corrected:
            self.message_user(
                request,
                "Still published, because they carry a published correction, which never "
                "disappears: " + ", ".join(point.title for point in corrected) + ".",
                messages.ERROR,
            )
        for point in published.exclude(pk__in=corrected.values("pk")):
            point.publication = StickingPoint.Publication.DRAFT
            point._change_reason = "Returned to draft"
            point.save()
            count += 1
        self.message_user(request, f"{count} sticking point(s) are drafts again.")


@admin.register(Demand)
class DemandAdmin(EditorAdmin):
    form = DemandForm
    list_display = ["sticking_point", "party", "stated_by", "excerpt", "updated_at"]
    list_filter = ["sticking_point", "party", "stated_by"]
    list_select_related = ["sticking_point", "party"]
    search_fields = ["summary", "party__name", "sticking_point__title"]
    autocomplete_fields = ["sticking_point", "party", "citations"]

    @admin.display(description="summary")
    def excerpt(self, obj):
        return Truncator(obj.summary).chars(90)


class OfferTermInline(admin.StackedInline):
    model = OfferTerm
    form = ClaimForm
    formset = CheckedInlineFormSet
    fields = ["sticking_point", "summary", "change_from_earlier", "citations", "loaded_version"]
    autocomplete_fields = ["sticking_point", "citations"]
    extra = 0


class OfferForm(ClaimForm):
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("reception_summary") and not cleaned_data.get("reception_citations"):
            self.add_error(
                "reception_citations",
                "Cite the passages that report how the offer was received.",
            )
        return cleaned_data


@admin.register(Offer)
class OfferAdmin(EditorAdmin):
    form = OfferForm
    list_display = ["title", "party", "recipient", "date_display", "reception", "term_count"]
    list_filter = ["reception", "party", "date_precision"]
    list_select_related = ["party", "recipient"]
    search_fields = ["title", "summary", "reception_summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["party", "recipient", "citations", "reception_citations"]
    inlines = [OfferTermInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "party", "recipient", "summary", "citations"]}),
        ("When", {"fields": ["date", "date_precision"]}),
        (
            "How it was received",
            {"fields": ["reception", "reception_summary", "reception_citations"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_count=Count("terms"))

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, obj):
        return obj.term_count


@admin.register(OfferTerm)
class OfferTermAdmin(EditorAdmin):
    form = ClaimForm
    list_display = ["offer", "sticking_point", "excerpt"]
    list_filter = ["offer", "sticking_point"]
    list_select_related = ["offer", "sticking_point"]
    search_fields = ["summary", "offer__title", "sticking_point__title"]
    autocomplete_fields = ["offer", "sticking_point", "citations"]

    @admin.display(description="summary")
    def excerpt(self, obj):
        return Truncator(obj.summary).chars(90)


@admin.register(Event)
class EventAdmin(EditorAdmin):
    form = ClaimForm
    list_display = ["title", "date_display", "kind"]
    list_filter = ["kind", "date_precision", "parties", "sticking_points"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties", "sticking_points", "citations"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        ("When", {"fields": ["date", "date_precision", "sequence"]}),
        ("Who and what", {"fields": ["parties", "sticking_points"]}),
        ("Sources", {"fields": ["citations"]}),
    ]

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display


@admin.register(Note)
class NoteAdmin(EditorAdmin):
    list_display = ["__str__", "kind", "publication", "published_at", "excerpt"]
    list_filter = ["kind", "publication", "sticking_point"]
    list_select_related = ["sticking_point"]
    search_fields = ["text", "sticking_point__title"]
    autocomplete_fields = ["sticking_point"]
    fields = ["sticking_point", "kind", "text", "publication", "published_at"]
    readonly_fields = ["published_at"]

    def view_on_site(self, obj):
        return reverse("preview_sticking_point", args=[obj.sticking_point.slug]) + "#notes"

    @admin.display(description="text")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(90)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.stored_correction():
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Published corrections in a bulk delete: the confirmation page says they
        cannot be deleted, and why."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        corrections = [note for note in objs if note.stored_correction()]
        if corrections:
            # Refused for this reason, not for want of a permission.
            perms_needed.discard(Note._meta.verbose_name)
        protected += [f"{note}: a published correction is never deleted" for note in corrections]
        return deleted, counts, perms_needed, protected


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(EditorAdmin):
    list_display = ["term", "variants", "excerpt", "updated_at"]
    search_fields = ["term", "variants", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    fields = ["term", "slug", "variants", "definition"]

    @admin.display(description="definition")
    def excerpt(self, obj):
        return Truncator(obj.definition).chars(90)


@admin.register(SearchEquivalent)
class SearchEquivalentAdmin(EditorAdmin):
    list_display = ["phrases", "updated_at"]
    search_fields = ["phrases"]
    fields = ["phrases"]
