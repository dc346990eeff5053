"""
The explainer's domain: sources and the passages cited from them, the parties to the
dispute, the sticking points, and the demands, offers and events that concern them.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Cast, Concat, Substr
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from explainer import citations, copyguard, dates
from explainer.markdown import problems as markdown_problems
from explainer.markdown import render_markdown


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    BY = "by", "On or before (the source gives only a latest date)"


class Versioned(models.Model):
    """Content that editors change: every save counts a new version, so a save based on
    an older one can be refused (see admin.ConcurrencyForm), and history records it."""

    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Counted from the stored row: a revert starts from an old instance, and must
        # still come out newer than what it replaces.
        stored = None
        if self.pk is not None:
            stored = (
                type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True)
            )
            stored = stored.first()
        self.version = (stored or 0) + 1
        super().save(*args, **kwargs)


# History leaves out what is derived from other fields or bumps on every save.
NOT_HISTORY = ["updated_at"]


class ProseMixin:
    """Our own prose: fields listed in PROSE_FIELDS may not copy a source's words."""

    PROSE_FIELDS = ()
    MARKDOWN_FIELD = ""

    def full_clean(self, exclude=None, **kwargs):
        # A form that edits only some fields (the admin's list of sticking points edits
        # only their order) cannot show errors on the others, and Django fails loudly
        # when asked to; clean() leaves out the fields the form left out.
        self._excluded = set(exclude or ())
        super().full_clean(exclude=exclude, **kwargs)

    def prose_errors(self):
        """Messages per field: words copied from a source, and in Markdown anything
        that would not reach readers as written."""
        index = source_index()
        errors = {}
        for name in self.PROSE_FIELDS:
            text = getattr(self, name)
            messages = []
            if name == self.MARKDOWN_FIELD:
                messages += markdown_problems(text)
            copied = index.copied(text, markdown=name == self.MARKDOWN_FIELD)
            if copied:
                messages.append(copyguard.message(copied))
            if messages:
                errors[name] = messages
        return errors

    def raise_for(self, errors):
        errors = {k: v for k, v in errors.items() if k not in getattr(self, "_excluded", ())}
        if errors:
            raise ValidationError(errors)

    def clean(self):
        self.raise_for(self.prose_errors())


class MarkedMixin:
    """Prose in Markdown whose [^key] markers are kept as the relation `cited`."""

    def link_citations(self):
        self.cited.set(Citation.objects.cited_by_markers(getattr(self, self.MARKDOWN_FIELD)))


_source_index = (None, None)


def source_index():
    """The copy guard's index of every source, rebuilt only when a source changes."""
    global _source_index
    state = tuple(Source.objects.order_by("pk").values_list("pk", "updated_at"))
    if _source_index[0] != state:
        texts = Source.objects.order_by("pk").values_list("title", "text")
        _source_index = (state, copyguard.SourceIndex(texts))
    return _source_index[1]


class Source(Versioned):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    publisher = models.CharField(
        "outlet", max_length=200, blank=True, help_text="Leave empty when the piece names none."
    )
    author = models.CharField(
        max_length=200, blank=True, help_text="Leave empty when the piece is unsigned."
    )
    credits = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who the piece says contributed to it, such as a wire service.",
    )
    names_sources = models.BooleanField(
        "names its own sources",
        default=False,
        help_text=(
            "Tick when the piece says where its information comes from: people it "
            "interviewed, statements it quotes with their origin, or a wire service."
        ),
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Leave empty only when not even the month is known."
    )
    published_precision = models.CharField(
        "date precision",
        max_length=5,
        # A publication date is known to the day, month or year; "by" is for events.
        choices=DatePrecision.choices[:3],
        blank=True,
        help_text="The precision the piece gives, never more. Needed with a date.",
    )
    date_inferred = models.BooleanField(
        "date inferred from content",
        default=False,
        help_text=(
            "Tick when the piece carries no date and the one above comes from what it reports."
        ),
    )
    url = models.URLField("URL", blank=True, help_text="Where the article lives, when known.")
    text = models.TextField(
        help_text=(
            "The article's full text, pasted as published. Editors see it; the public "
            "never does. Every citation from this source must quote it word for word."
        )
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY)

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.published_on = dates.truncate(self.published_on, self.published_precision)
        # Browsers send text areas with CRLF line breaks; paragraphs are found by LF.
        self.text = self.text.replace("\r\n", "\n").replace("\r", "\n")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("source_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.published_on and not self.published_precision:
            raise ValidationError(
                {"published_precision": "Choose how precisely the piece gives its date."}
            )

    @property
    def is_unsigned(self):
        """Names neither an outlet nor an author: our prose attributes its claims to
        "one unsigned report"."""
        return not self.publisher and not self.author

    @property
    def date_display(self):
        return dates.display(self.published_on, self.published_precision)

    @property
    def date_iso(self):
        return dates.iso(self.published_on, self.published_precision)


class PartyKind(models.TextChoices):
    UNION = "union", "Union"
    BRANCH = "branch", "Union branch"
    EMPLOYERS = "employers", "Employers' association"
    COMPANY = "company", "Company"
    GROUP = "group", "Group"
    PERSON = "person", "Person"


class PartyQuerySet(models.QuerySet):
    def sides(self):
        """The two sides of the dispute (or more): unions and employers' associations
        that belong to no one. Every sticking point gives each a column."""
        # "union" sorts after "employers": the striking side comes first.
        return self.filter(
            parent__isnull=True, kind__in=[PartyKind.UNION, PartyKind.EMPLOYERS]
        ).order_by("-kind", "name")


class Party(MarkedMixin, ProseMixin, Versioned):
    PROSE_FIELDS = ("role", "description")
    MARKDOWN_FIELD = "description"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="An abbreviation readers know, such as WGA."
    )
    kind = models.CharField(max_length=20, choices=PartyKind)
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a person: who they are, such as “writer and producer”.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name="belongs to",
        help_text="The organisation this party is part of or speaks for.",
    )
    description = models.TextField(
        blank=True,
        help_text="Who they are, in our words. Markdown; cite with [^citation-key].",
    )
    description_html = models.TextField(blank=True, editable=False)
    cited = models.ManyToManyField(
        "Citation", related_name="described_parties", blank=True, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=[*NOT_HISTORY, "description_html"])

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)
        self.link_citations()

    def get_absolute_url(self):
        return reverse("party_detail", kwargs={"slug": self.slug})

    @property
    def in_prose(self):
        """How a sentence names the party: "the WGA", "Netflix", "Zack Stentz"."""
        name = self.short_name or self.name
        organisation = self.kind in {PartyKind.UNION, PartyKind.BRANCH, PartyKind.EMPLOYERS}
        return f"the {name}" if organisation else name

    @property
    def side(self):
        """The party at the top of this one's chain of belonging."""
        party = self
        seen = {party.pk}
        while party.parent_id is not None and party.parent_id not in seen:
            party = party.parent
            seen.add(party.pk)
        return party

    def clean(self):
        errors = self.prose_errors()
        marker_errors = Citation.objects.marker_errors(self.description)
        if marker_errors:
            errors.setdefault("description", []).extend(marker_errors)
        self.raise_for(errors)
        seen = {self.pk}
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"parent": "A party cannot belong to itself or to one of its members."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class CitationQuerySet(models.QuerySet):
    def verified(self):
        """Citations a reader may see: those that still match their source, each with
        `printed`, the passage exactly as the source prints it."""
        return (
            self.filter(position__isnull=False)
            .select_related("source", "speaker", "about")
            .defer("source__text")
            .annotate(printed=Substr("source__text", F("position") + 1, F("length")))
        )

    def cited_by_markers(self, markdown_text):
        return self.filter(key__in=citations.find_markers(markdown_text))

    def marker_errors(self, markdown_text):
        """Messages for markers in `markdown_text` that an editor must fix."""
        keys = citations.find_markers(markdown_text)
        if not keys:
            return []
        known = dict(self.filter(key__in=keys).values_list("key", "position"))
        errors = []
        for key in keys:
            if key not in known:
                errors.append(f"The marker [^{key}] names no citation. Check its key.")
            elif known[key] is None:
                errors.append(
                    f"The marker [^{key}] cites a passage that no longer matches its source. "
                    "Fix the citation first."
                )
        return errors


class Citation(Versioned):
    class Kind(models.TextChoices):
        QUOTE = "quote", "Direct quote: the speaker's own words"
        REPORT = "report", "Reporter's account: what the reporter says a party said or did"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="A short name for markers in Markdown: write [^key] to cite this passage.",
    )
    passage = models.TextField(
        help_text=(
            "Copied word for word from the source. Curly and straight quotes, dashes and "
            "line breaks may differ; every word must match. Readers see the source's own "
            "characters."
        )
    )
    kind = models.CharField(
        max_length=6,
        choices=Kind,
        default=Kind.REPORT,
        help_text=(
            "A direct quote is what the source prints as the speaker's own words: inside "
            "quotation marks, set off as an excerpt of a statement, or in the speaker's "
            "first person. Leave out the reporter's “she said”. Anything else, including "
            "speech relayed without quotation marks (“the WGA said …”, “according to "
            "the WGA …”), is a reporter's account."
        ),
    )
    speaker = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text="For a direct quote: whose words these are.",
    )
    about = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="For a reporter's account: the party whose words or actions it reports, if any.",
    )
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Where the passage starts in the source's text; empty if it no longer matches.",
    )
    length = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="How many of the source's characters the passage spans.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=[*NOT_HISTORY, "length"])

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "position", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="quote", speaker__isnull=False, about__isnull=True)
                | Q(kind="report", speaker__isnull=True),
                name="quote_has_speaker_report_has_none",
                violation_error_message=(
                    "A direct quote needs its speaker; a reporter's account has no speaker, "
                    "only the party it is about."
                ),
            )
        ]

    def __str__(self):
        return f"{self.key}: {Truncator(self.passage).chars(70)}"

    def save(self, *args, **kwargs):
        span = citations.locate_span(self.passage, self.source.text)
        self.position, self.length = (span[0], span[1] - span[0]) if span else (None, None)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.QUOTE:
            if self.speaker_id is None:
                errors["speaker"] = "Name the speaker of a direct quote."
            if self.about_id is not None:
                errors["about"] = "A direct quote names its speaker, not a party it is about."
        elif self.speaker_id is not None:
            errors["speaker"] = (
                "A reporter's account has no speaker. Name the party it is about instead, "
                "or make it a direct quote if the source prints the speaker's own words."
            )
        span = None
        if self.source_id and self.passage:
            span = citations.locate_span(self.passage, self.source.text)
        if (
            self.kind == self.Kind.QUOTE
            and span
            and not citations.reads_as_quote(self.source.text, *span)
        ):
            errors.setdefault(
                "kind",
                "The source does not print this passage as the speaker's own words: it is "
                "not in quotation marks, not set off as a statement, and not in the "
                "speaker's first person. Make it a reporter's account.",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_verified(self):
        return self.position is not None

    def is_cited(self):
        """Whether any prose or claim cites this passage."""
        return any(
            relation.exists()
            for relation in [
                self.explained_points,
                self.described_parties,
                self.demands,
                self.offers,
                self.receptions,
                self.offer_terms,
                self.events,
            ]
        )

    @property
    def is_quote(self):
        return self.kind == self.Kind.QUOTE


# The claims of a sticking point, as paths from a citation to the point they support.
AS_OF_PATHS = {
    "explanation": "explained_points",
    "positions": "demands__sticking_point",
    "terms": "offer_terms__sticking_point",
    "offers": "offers__terms__sticking_point",
    "receptions": "receptions__terms__sticking_point",
    "events": "events__sticking_points",
}


def _newest_source_stamp(path):
    """The publication date and precision ("2023-08-28|day") of the newest dated
    source that a verified citation reached through `path` comes from."""
    return Subquery(
        Citation.objects.filter(
            **{path: OuterRef("pk")},
            position__isnull=False,
            source__published_on__isnull=False,
        )
        .order_by("-source__published_on")
        .annotate(
            stamp=Concat(
                Cast("source__published_on", CharField()),
                Value("|"),
                "source__published_precision",
                output_field=CharField(),
            )
        )
        .values("stamp")[:1]
    )


class AsOf:
    """The date an account runs to: the newest publication date among its sources."""

    def __init__(self, date, precision):
        self.date, self.precision = date, precision

    @classmethod
    def newest(cls, stamps):
        stamps = [stamp for stamp in stamps if stamp]
        if not stamps:
            return None
        date, precision = max(stamps).split("|")
        return cls(datetime.date.fromisoformat(date), precision)

    @staticmethod
    def latest(as_ofs):
        """The newest of several accounts' dates, or None."""
        as_ofs = [as_of for as_of in as_ofs if as_of]
        return max(as_ofs, key=lambda as_of: as_of.date) if as_ofs else None

    def __str__(self):
        return dates.display(self.date, self.precision)

    @property
    def iso(self):
        return dates.iso(self.date, self.precision)


class PublicRevision(models.Model):
    """What a revision of a published sticking point changed, in the editor's words for
    readers: a history record that has one is a revision in the public changelog (see
    explainer.changelog). Set from the editing form (`_public_summary`)."""

    public_summary = models.CharField(
        "what changed, for readers", max_length=200, blank=True, default=""
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def record_public_summary(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "public_summary"):
        history_instance.public_summary = getattr(instance, "_public_summary", "") or ""
        instance._public_summary = ""  # said once, for this save only


class StickingPointQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=StickingPoint.Publication.PUBLISHED)

    def with_as_of(self):
        """Annotate each point with what its `as_of` needs, in the same query."""
        return self.annotate(
            **{f"as_of_{name}": _newest_source_stamp(path) for name, path in AS_OF_PATHS.items()}
        )


class StickingPoint(MarkedMixin, ProseMixin, Versioned):
    PROSE_FIELDS = ("title", "question", "short_answer", "explanation")
    MARKDOWN_FIELD = "explanation"

    class Publication(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Standing(models.TextChoices):
        NO_OFFER = "no_offer", "Unresolved, no offer reported"
        CONTESTED = "contested", "Unresolved, one side's position rejected by the other"
        OFFER_REJECTED = "offer_rejected", "Offer made, rejected"
        AGREED = "agreed", "Agreed"

    title = models.CharField(
        max_length=120, help_text="A short name for lists, such as “Streaming residuals”."
    )
    slug = models.SlugField(max_length=120, unique=True)
    question = models.CharField(
        max_length=200, help_text="The reader's question, used as the headline."
    )
    short_answer = models.TextField(
        max_length=400,
        help_text="Two or three plain sentences, shown on cards and embeds. No Markdown.",
    )
    explanation = models.TextField(
        help_text=(
            "The full explanation in our own words. Markdown; cite a passage with "
            "[^citation-key] right after the claim it supports. Use ### for a subheading."
        )
    )
    explanation_html = models.TextField(blank=True, editable=False)
    cited = models.ManyToManyField(
        "Citation", related_name="explained_points", blank=True, editable=False
    )
    standing = models.CharField(
        "where it stands",
        max_length=20,
        choices=Standing,
        default=Standing.NO_OFFER,
    )
    publication = models.CharField(
        max_length=10,
        choices=Publication,
        default=Publication.DRAFT,
        help_text="Drafts are visible only to logged-in editors.",
    )
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first on the home page."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True,
        editable=False,
        help_text="When readers could first read it: the changelog's “new” entry.",
    )
    history = HistoricalRecords(
        excluded_fields=[*NOT_HISTORY, "explanation_html"], bases=[PublicRevision]
    )

    objects = StickingPointQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.explanation_html = render_markdown(self.explanation)
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        self.link_citations()

    def get_absolute_url(self):
        return reverse("sticking_point_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.publication == self.Publication.PUBLISHED

    @property
    def as_of(self):
        """The date this account runs to: the newest publication date among the sources
        it rests on. Read from `with_as_of()`'s annotations when present."""
        if not hasattr(self, "as_of_explanation"):
            annotated = type(self).objects.with_as_of().filter(pk=self.pk).first()
            if annotated is None:
                return None
            self.__dict__.update(
                {f"as_of_{name}": getattr(annotated, f"as_of_{name}") for name in AS_OF_PATHS}
            )
        return AsOf.newest(getattr(self, f"as_of_{name}") for name in AS_OF_PATHS)

    def clean(self):
        errors = self.prose_errors()
        marker_errors = Citation.objects.marker_errors(self.explanation)
        if (
            not marker_errors
            and self.is_published
            and not citations.find_markers(self.explanation)
        ):
            marker_errors = ["A published explanation needs at least one citation marker."]
        if marker_errors:
            errors.setdefault("explanation", []).extend(marker_errors)
        if not self.is_published and self.pk and self.notes.corrections().published().exists():
            errors.setdefault("publication", []).append(UNPUBLISH_CORRECTED)
        self.raise_for(errors)


UNPUBLISH_CORRECTED = (
    "This sticking point has a published correction, and a published correction never "
    "disappears: it stays published. Add an update saying what changed instead."
)


class Demand(ProseMixin, Versioned):
    """A position: what one party asks for, insists on or objects to on one sticking
    point, and who states it in the sources."""

    PROSE_FIELDS = ("summary",)

    class StatedBy(models.TextChoices):
        PARTY = "party", "The party itself"
        OTHER_SIDE = "other_side", "The other side"
        REPORTER = "reporter", "A reporter"

    sticking_point = models.ForeignKey(
        StickingPoint, on_delete=models.CASCADE, related_name="demands"
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name="whose position",
        help_text=(
            "The party that holds this position. A claim one side makes about the other "
            "belongs to the side that makes it: “the WGA says the studios blocked progress” "
            "is the WGA's position, never the studios'."
        ),
    )
    stated_by = models.CharField(
        "who states it",
        max_length=10,
        choices=StatedBy,
        default=StatedBy.PARTY,
        help_text=(
            "Who, in the cited passages, says this is the party's position: the party "
            "itself, the other side, or only a reporter."
        ),
    )
    summary = models.TextField(
        help_text=(
            "The position in one or two neutral sentences of our own. Readers see who "
            "states it above it."
        )
    )
    citations = models.ManyToManyField(Citation, related_name="demands")
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY, m2m_fields=["citations"])

    class Meta:
        ordering = ["sticking_point", "order", "pk"]
        verbose_name = "position"

    def __str__(self):
        return f"{self.party}: {self.sticking_point}"

    def attribution_error(self, cited):
        """Why the passages `cited` do not support who this position says states it,
        or None when they do.

        The party itself: a passage quotes it, or one of its branches, or reports what
        it said or did. The other side: a passage quotes or reports a party of another
        side of the dispute. A reporter: a passage is a reporter's account.
        """
        by = [c.speaker or c.about for c in cited if c.speaker_id or c.about_id]
        if self.stated_by == self.StatedBy.PARTY:
            branches = self.party.members.filter(kind=PartyKind.BRANCH)
            own = {self.party.pk, *branches.values_list("pk", flat=True)}
            if not any(party.pk in own for party in by):
                return (
                    f"None of the cited passages quotes {self.party.in_prose} or reports "
                    f"what {self.party.in_prose} said or did. Cite one, or choose who "
                    "states this position."
                )
        elif self.stated_by == self.StatedBy.OTHER_SIDE:
            sides = set(Party.objects.sides().values_list("pk", flat=True))
            own_side = self.party.side.pk
            if not any(party.side.pk in sides - {own_side} for party in by):
                return (
                    "None of the cited passages quotes or reports the other side of the "
                    "dispute. Cite one, or choose who states this position."
                )
        elif not any(not c.is_quote for c in cited):
            return "None of the cited passages is a reporter's account."
        return None


class DatedMixin(ProseMixin, Versioned):
    """A date that claims no more than the sources support."""

    date = models.DateField(
        help_text="For a month or a year, any day in it will do; it is stored as the first."
    )
    # No default: the editor chooses the precision every time.
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        help_text="Pick the precision the sources give, never more.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.date = dates.truncate(self.date, self.date_precision)
        super().save(*args, **kwargs)

    @property
    def date_display(self):
        return dates.display(self.date, self.date_precision)

    @property
    def date_iso(self):
        """The date for a <time datetime>, at its precision: 2023, 2023-05 or 2023-05-02."""
        return dates.iso(self.date, self.date_precision)


class Offer(DatedMixin):
    PROSE_FIELDS = ("title", "summary", "reception_summary")

    class Reception(models.TextChoices):
        PENDING = "pending", "No answer yet"
        REJECTED = "rejected", "Rejected"
        ACCEPTED = "accepted", "Accepted"
        COUNTERED = "countered", "Countered"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="offers", verbose_name="offered by"
    )
    recipient = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="offers_received", verbose_name="offered to"
    )
    summary = models.TextField(help_text="What the offer was, in our words.")
    reception = models.CharField(max_length=10, choices=Reception, default=Reception.PENDING)
    reception_summary = models.TextField(
        blank=True, help_text="How the other side received it, in our words."
    )
    citations = models.ManyToManyField(
        Citation, related_name="offers", help_text="The passages behind the summary."
    )
    reception_citations = models.ManyToManyField(
        Citation,
        related_name="receptions",
        blank=True,
        verbose_name="citations for the reception",
        help_text="The passages that report how it was received.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=NOT_HISTORY, m2m_fields=["citations", "reception_citations"]
    )

    class Meta:
        ordering = ["date", "title"]

    def __str__(self):
        return self.title


class OfferTerm(ProseMixin, Versioned):
    PROSE_FIELDS = ("summary", "change_from_earlier")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="terms")
    sticking_point = models.ForeignKey(
        StickingPoint, on_delete=models.PROTECT, related_name="offer_terms"
    )
    summary = models.TextField(help_text="What the offer said on this sticking point.")
    change_from_earlier = models.TextField(
        "what changed from the earlier offer",
        blank=True,
        help_text=(
            "How this term differs from the earlier offer's on the same sticking point, in "
            "our words and resting on the passages cited for both. Leave blank when no "
            "earlier offer had a term on it: readers are told so."
        ),
    )
    citations = models.ManyToManyField(Citation, related_name="offer_terms")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY, m2m_fields=["citations"])

    class Meta:
        ordering = ["offer__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "sticking_point"],
                name="one_term_per_sticking_point",
                violation_error_message="This offer already has a term on that sticking point.",
            )
        ]

    def __str__(self):
        return f"{self.offer}: {self.sticking_point}"


class Event(DatedMixin):
    PROSE_FIELDS = ("title", "summary")

    class Kind(models.TextChoices):
        NEGOTIATION = "negotiation", "Negotiation"
        OFFER = "offer", "Offer"
        STRIKE = "strike", "Strike action"
        STATEMENT = "statement", "Statement"
        HISTORY = "history", "Background"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    summary = models.TextField(help_text="What happened, in our words.")
    sequence = models.PositiveSmallIntegerField(
        default=0, help_text="Orders events that share a date: lower comes first."
    )
    parties = models.ManyToManyField(Party, related_name="events", blank=True)
    sticking_points = models.ManyToManyField(StickingPoint, related_name="events", blank=True)
    citations = models.ManyToManyField(Citation, related_name="events")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=NOT_HISTORY, m2m_fields=["parties", "sticking_points", "citations"]
    )

    class Meta:
        ordering = ["date", "sequence", "title"]

    def __str__(self):
        return f"{self.date_display}: {self.title}"


class GlossaryTerm(ProseMixin, Versioned):
    """A word readers outside Hollywood may not know, defined by the explainer itself:
    a definition, not a claim from the sources."""

    PROSE_FIELDS = ("definition",)

    term = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    variants = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Other forms of the term that should link to it, separated by commas, "
            "such as “residual, residuals”."
        ),
    )
    definition = models.TextField(
        help_text="Two or three plain sentences in our own words. No Markdown, no citations."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY)

    class Meta:
        ordering = ["term"]
        verbose_name = "glossary term"

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("glossary") + f"#term-{self.slug}"

    @property
    def forms(self):
        """Every form of the term a page may use, longest first."""
        forms = {self.term, *(v.strip() for v in self.variants.split(",") if v.strip())}
        return sorted(forms, key=len, reverse=True)


class NoteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Note.Publication.PUBLISHED)

    def corrections(self):
        return self.filter(kind=Note.Kind.CORRECTION)

    def public(self):
        """Published notes on published sticking points, newest first."""
        return (
            self.published()
            .filter(sticking_point__publication=StickingPoint.Publication.PUBLISHED)
            .order_by("-published_at", "-pk")
        )


class Note(ProseMixin, Versioned):
    """A dated correction, clarification or update on a sticking point, saying what
    changed and why. Once published, a correction stays: it cannot be deleted, returned
    to draft or made another kind of note, and its sticking point cannot be unpublished
    or deleted."""

    PROSE_FIELDS = ("text",)
    Publication = StickingPoint.Publication

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    sticking_point = models.ForeignKey(
        StickingPoint, on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(
        max_length=15,
        choices=Kind,
        help_text=(
            "Correction: something we said was wrong. Clarification: it was right but "
            "could be misread. Update: the dispute or the sources moved on."
        ),
    )
    text = models.TextField(
        max_length=500,
        help_text=(
            "What changed and why, in one or two plain sentences of our own. Readers see "
            "it at the top of the page; the embed card shows its first line. No Markdown."
        ),
    )
    publication = models.CharField(
        max_length=10,
        choices=Publication,
        default=Publication.DRAFT,
        help_text="Readers see the note once it is published, dated that day.",
    )
    published_at = models.DateTimeField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on “{self.sticking_point}”"

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.publication == self.Publication.PUBLISHED

    def stored_correction(self):
        """Whether the stored row is a published correction: one that must stay."""
        if self.pk is None:
            return False
        return type(self).objects.corrections().published().filter(pk=self.pk).exists()

    def clean(self):
        errors = self.prose_errors()
        if self.stored_correction():
            if not self.is_published:
                errors.setdefault("publication", []).append(
                    "A published correction stays published: readers must always be able "
                    "to see what was corrected."
                )
            if self.kind != self.Kind.CORRECTION:
                errors.setdefault("kind", []).append(
                    "A published correction stays a correction. To add to it, write a "
                    "clarification or an update."
                )
        self.raise_for(errors)


@receiver(pre_delete, sender=Note)
def keep_published_corrections(sender, instance, **kwargs):
    """However it is deleted, a published correction stays (the admin offers no delete)."""
    if instance.stored_correction():
        raise ProtectedError(
            f"{instance} is a published correction, and a published correction is never deleted.",
            {instance},
        )


@receiver(pre_delete, sender=Citation)
def keep_cited_passages(sender, instance, **kwargs):
    """However a passage is deleted (the admin refuses first, saying where it is cited),
    one that something cites stays: a claim must never lose its source silently."""
    if instance.is_cited():
        raise ProtectedError(
            f"The passage “{instance.key}” is cited; remove it from what cites it first.",
            {instance},
        )


def _new_epoch():
    return secrets.token_hex(4)


class ContentVersion(models.Model):
    """How many content changes have been committed: the page cache's version.

    Every save and delete of content adds one in its own transaction, so the count
    moves exactly when the change commits, whatever the clocks say. The epoch tells a
    database made afresh (its count starting again) from the one before it."""

    epoch = models.CharField(max_length=16, default=_new_epoch, editable=False)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "content version"
        default_permissions = ()  # not content: nobody edits it

    def __str__(self):
        return f"{self.epoch}.{self.count}"

    @classmethod
    def advance(cls):
        if not cls.objects.filter(pk=1).update(count=F("count") + 1):
            cls.objects.get_or_create(pk=1, defaults={"count": 1})

    @classmethod
    def current(cls):
        """The version as a short string, in one query."""
        row = cls.objects.filter(pk=1).values_list("epoch", "count").first()
        if row is None:
            row = (cls.objects.get_or_create(pk=1)[0].epoch, 0)
        return f"{row[0]}.{row[1]}"


class SearchEquivalent(Versioned):
    """Words readers use for the same thing here: a search for any of them finds the
    others too. Glossary terms and their variants count as equivalents without being
    listed here."""

    phrases = models.CharField(
        max_length=300,
        unique=True,
        help_text=(
            "Two or more words or phrases that mean the same thing in this dispute, "
            "separated by commas, such as “AI, artificial intelligence”."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=NOT_HISTORY)

    class Meta:
        ordering = ["phrases"]
        verbose_name = "search equivalent"

    def __str__(self):
        return self.phrases

    @property
    def forms(self):
        return [p.strip() for p in self.phrases.split(",") if p.strip()]

    def clean(self):
        from explainer.searchquery import form_key

        forms = self.forms
        common = [form for form in forms if not form_key(form)]
        if common:
            raise ValidationError(
                {
                    "phrases": "Search leaves out words as common as "
                    + ", ".join(f"“{form}”" for form in common)
                    + ": give each phrase a word that says more."
                }
            )
        if len({form_key(form) for form in forms}) < 2:
            raise ValidationError(
                {
                    "phrases": "List at least two different words or phrases, separated by "
                    "commas (forms of one word, such as “walkout, walkouts”, count as one)."
                }
            )


class SearchDocument(models.Model):
    """One page or passage as search sees it, derived from the content and rewritten
    with it in the same transaction (explainer.searchindex). Each database's full-text
    index follows this table: a generated, weighted tsvector column with a GIN index on
    PostgreSQL, an FTS5 table of the stems kept by triggers on SQLite (migration 0009)."""

    class Kind(models.TextChoices):
        # Declared in the order results of equal standing are listed.
        POINT = "point", "Sticking point"
        PARTY = "party", "Party"
        TERM = "term", "Glossary"
        EVENT = "event", "Event"
        PASSAGE = "passage", "Passage"

    kind = models.CharField(max_length=10, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    priority = models.PositiveSmallIntegerField(
        help_text="The kind's place in the order above, for sorting in SQL."
    )
    title = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)
    # Searched with the most weight: titles, questions, names, terms.
    heading = models.TextField(blank=True)
    # The words a reader reads: answers, explanations, summaries, definitions, passages.
    text = models.TextField(blank=True)
    # Searched with the least weight: who said a passage, and where.
    extra = models.TextField(blank=True)
    # On SQLite, the three above as their Snowball stems, for FTS5 to index (its own
    # Porter stemmer differs from PostgreSQL's Snowball on words like "weekly").
    heading_stems = models.TextField(blank=True)
    text_stems = models.TextField(blank=True)
    extra_stems = models.TextField(blank=True)

    class Meta:
        default_permissions = ()  # derived: nobody edits it
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_object")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"
