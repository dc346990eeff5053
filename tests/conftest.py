import datetime
import itertools

import pytest
from django.contrib.auth.models import Group

from explainer.models import Citation, Party, Source, StickingPoint

ARTICLE = (
    "The union said it wanted “a fair deal” — nothing more.\n\n"
    "Negotiators met for six weeks.   Talks  failed on Monday."
)

_counter = itertools.count(1)


def make_source(**fields):
    n = next(_counter)
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("text", ARTICLE)
    fields.setdefault("published_on", datetime.date(2023, 5, 2))
    return Source.objects.create(**fields)


def make_citation(**fields):
    n = next(_counter)
    if "source" not in fields:
        fields["source"] = make_source()
    fields.setdefault("key", f"cite-{n}")
    fields.setdefault("passage", "Negotiators met for six weeks.")
    return Citation.objects.create(**fields)


def make_party(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Party {n}")
    fields.setdefault("slug", f"party-{n}")
    fields.setdefault("kind", "union")
    return Party.objects.create(**fields)


def make_sticking_point(**fields):
    n = next(_counter)
    fields.setdefault("title", f"Topic {n}")
    fields.setdefault("slug", f"topic-{n}")
    fields.setdefault("question", f"What is topic {n} about?")
    fields.setdefault("short_answer", "A short answer.")
    if "explanation" not in fields:
        citation = make_citation()
        fields["explanation"] = f"Talks went on for weeks.[^{citation.key}]"
    fields.setdefault("publication", StickingPoint.Publication.PUBLISHED)
    return StickingPoint.objects.create(**fields)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="correct horse battery", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
