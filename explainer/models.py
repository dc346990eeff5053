"""
The explainer's domain: sources and the passages cited from them, the parties to the
dispute, the sticking points, and the demands, offers and events that concern them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from explainer import citations, dates
from explainer.markdown import render_markdown


class Source(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="Leave empty when the article gives no date."
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

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("source_detail", kwargs={"slug": self.slug})


class PartyKind(models.TextChoices):
    UNION = "union", "Union"
    BRANCH = "branch", "Union branch"
    EMPLOYERS = "employers", "Employers' association"
    COMPANY = "company", "Company"
    GROUP = "group", "Group"
    PERSON = "person", "Person"


class Party(models.Model):
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("party_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = citations.marker_errors(self.description)
        if errors:
            raise ValidationError({"description": errors})
        seen = {self.pk}
        ancestor = self.parent
        while ancestor is not None and self.pk is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"parent": "A party cannot belong to itself or to one of its members."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Citation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="A short name for markers in Markdown: write [^key] to cite this passage.",
    )
    passage = models.TextField(
        help_text=(
            "Copied word for word from the source. Curly and straight quotes, dashes and "
            "line breaks may differ; every word must match."
        )
    )
    speaker = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="Who said it, when the passage quotes someone.",
    )
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Where the passage starts in the source's text; empty if it no longer matches.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "position", "key"]

    def __str__(self):
        return self.key

    def save(self, *args, **kwargs):
        self.position = citations.locate(self.passage, self.source.text)
        super().save(*args, **kwargs)

    @property
    def is_verified(self):
        return self.position is not None


class StickingPointQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=StickingPoint.Publication.PUBLISHED)


class StickingPoint(models.Model):
    class Publication(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Standing(models.TextChoices):
        NO_OFFER = "no_offer", "No offer on the table"
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

    objects = StickingPointQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.explanation_html = render_markdown(self.explanation)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sticking_point_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.publication == self.Publication.PUBLISHED

    def clean(self):
        errors = citations.marker_errors(self.explanation)
        if not errors and self.is_published and not citations.find_markers(self.explanation):
            errors = ["A published explanation needs at least one citation marker."]
        if errors:
            raise ValidationError({"explanation": errors})


class Demand(models.Model):
    sticking_point = models.ForeignKey(
        StickingPoint, on_delete=models.CASCADE, related_name="demands"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="demands")
    summary = models.TextField(
        help_text="What this party asks for or insists on, in one or two neutral sentences."
    )
    citations = models.ManyToManyField(Citation, related_name="demands")
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sticking_point", "order", "pk"]

    def __str__(self):
        return f"{self.party}: {self.sticking_point}"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class DatedMixin(models.Model):
    """A date that claims no more than the sources support."""

    date = models.DateField(
        help_text="For a month or a year, any day in it will do; it is stored as the first."
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
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
    citations = models.ManyToManyField(Citation, related_name="offers")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "title"]

    def __str__(self):
        return self.title


class OfferTerm(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="terms")
    sticking_point = models.ForeignKey(
        StickingPoint, on_delete=models.PROTECT, related_name="offer_terms"
    )
    summary = models.TextField(help_text="What the offer said on this sticking point.")
    citations = models.ManyToManyField(Citation, related_name="offer_terms")
    updated_at = models.DateTimeField(auto_now=True)

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

    class Meta:
        ordering = ["date", "sequence", "title"]

    def __str__(self):
        return f"{self.date_display}: {self.title}"
