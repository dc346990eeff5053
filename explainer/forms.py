"""Readers' GET forms: the timeline filters and search. Invalid input becomes a message
on the page, never an exception."""

import re

from django import forms

from explainer.models import Event, Party, StickingPoint

MAX_WORDS = 20
OPERATOR_RUN = re.compile(r"[-!&|:()<>*\\](?:\s*[-!&|:()<>*\\])+")


class TimelineFilterForm(forms.Form):
    party = forms.ModelChoiceField(
        # Only parties with events to show, found by name.
        queryset=Party.objects.filter(events__isnull=False).distinct().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All parties",
        error_messages={"invalid_choice": "There is no party with that name."},
    )
    topic = forms.ModelChoiceField(
        label="Sticking point",
        queryset=StickingPoint.objects.published(),
        to_field_name="slug",
        required=False,
        empty_label="All sticking points",
        error_messages={"invalid_choice": "There is no sticking point with that name."},
    )
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Event.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of event."},
    )

    def filter(self, events):
        if self.cleaned_data.get("party"):
            events = events.filter(parties=self.cleaned_data["party"])
        if self.cleaned_data.get("topic"):
            events = events.filter(sticking_points=self.cleaned_data["topic"])
        if self.cleaned_data.get("kind"):
            events = events.filter(kind=self.cleaned_data["kind"])
        return events


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "Search for at most %(limit_value)d characters."},
    )

    def clean_q(self):
        # Runs of search operators carry no meaning and can exhaust PostgreSQL's
        # query parser; keep words, phrases and single operators.
        query = OPERATOR_RUN.sub(" ", self.cleaned_data["q"])
        words = query.split()
        self.words_left_out = max(0, len(words) - MAX_WORDS)
        return " ".join(words[:MAX_WORDS])

    @property
    def typed(self):
        """The search as the reader typed it, to echo back (what is searched for is
        `cleaned_data["q"]`: operators that mean nothing taken out, at most MAX_WORDS)."""
        return " ".join(self.data.get("q", "").split())
