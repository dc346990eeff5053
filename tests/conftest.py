import datetime
import itertools
import os

import pytest
from django.contrib.auth.models import Group, Permission

from explainer.models import Citation, Party, Source, StickingPoint

ARTICLE = (
    "The union said it wanted “a fair deal” — nothing more.\n\n"
    "Negotiators met for six weeks.   Talks  failed on Monday."
)

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb):
    """Each run gets a test database of its own (test_explainer_<pid>, after any xdist
    or tox suffix), so two runs against one PostgreSQL server do not drop each other's.
    SQLite tests run in memory already; --reuse-db keeps the one shared name."""
    from django.conf import settings

    if django_db_keepdb:
        return
    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            continue
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


def make_source(**fields):
    n = next(_counter)
    fields.setdefault("title", f"Article {n}")
    fields.setdefault("slug", f"article-{n}")
    fields.setdefault("text", ARTICLE)
    fields.setdefault("published_on", datetime.date(2023, 5, 2))
    fields.setdefault("published_precision", "day" if fields["published_on"] else "")
    return Source.objects.create(**fields)


def make_citation(**fields):
    n = next(_counter)
    if "source" not in fields:
        fields["source"] = make_source()
    fields.setdefault("key", f"cite-{n}")
    fields.setdefault("passage", "Negotiators met for six weeks.")
    fields.setdefault("kind", "quote" if fields.get("speaker") else "report")
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


@pytest.fixture(scope="session")
def seed_as_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed as `load_seed` makes it (every save, check, rendering and history
    record), dumped once per run: loading the dump is many times faster than saving
    each object again, and it is the same rows."""
    from django.apps import apps
    from django.core import serializers
    from django.core.management import call_command
    from django.db import transaction

    path = tmp_path_factory.mktemp("seed") / "seed-as-loaded.json"
    models = [
        model
        for model in apps.get_app_config("explainer").get_models()
        # The count is each database's own; loaddata makes search's index afresh.
        if model._meta.model_name not in {"contentversion", "searchdocument"}
    ]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        rows = itertools.chain.from_iterable(m._base_manager.order_by("pk") for m in models)
        path.write_text(serializers.serialize("json", rows))
        transaction.set_rollback(True)
    return path


@pytest.fixture
def seeded(db, seed_as_loaded):
    from django.core.management import call_command

    call_command("loaddata", str(seed_as_loaded), verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Pages are cached per content version, and each test's database starts afresh."""
    from django.core.cache import cache

    from explainer import pagecache

    cache.clear()
    pagecache.forget_process_state()


def editors_group():
    """The Editors group as the migration makes it. Tests on a live server empty every
    table between tests, migrated rows included, so it may have to be made again."""
    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="explainer").exclude(
                codename__contains="historical"
            )
        )
    return group


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="correct horse battery", is_staff=True
    )
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def make_bulk_content(copies):
    """`copies` sticking points, each with two cited demands, an offer term, and two
    events: enough to show whether a page's queries grow with its content."""
    import datetime

    from explainer.models import Demand, Event, Offer, OfferTerm

    source = make_source(text=" ".join(f"Passage number {i}." for i in range(copies * 4)))
    union, employers = make_party(kind="union"), make_party(kind="employers")
    member = make_party(kind="company", parent=employers)
    offer = Offer.objects.create(
        title="Bulk offer",
        slug=f"bulk-offer-{next(_counter)}",
        party=employers,
        recipient=union,
        summary="s",
        date=datetime.date(2023, 8, 1),
        date_precision="month",
        reception="rejected",
    )
    points = []
    for i in range(copies):
        cites = [
            make_citation(
                source=source,
                passage=f"Passage number {i * 4 + j}.",
                speaker=member if j == 0 else None,
            )
            for j in range(4)
        ]
        offer.citations.add(cites[3])
        point = make_sticking_point(
            explanation=f"Claim one.[^{cites[0].key}] Claim two.[^{cites[1].key}]"
        )
        for party, cite in [(union, cites[1]), (employers, cites[2])]:
            Demand.objects.create(sticking_point=point, party=party, summary="d").citations.add(
                cite
            )
        OfferTerm.objects.create(offer=offer, sticking_point=point, summary="t").citations.add(
            cites[3]
        )
        for j in range(2):
            event = Event.objects.create(
                title=f"Event {i}-{j}",
                slug=f"event-{next(_counter)}",
                kind="negotiation",
                summary="s",
                date=datetime.date(2023, 1 + j, 1),
                date_precision="month",
            )
            event.citations.add(cites[j])
            event.parties.add(union, employers)
            event.sticking_points.add(point)
        points.append(point)
    return {
        "points": points,
        "source": source,
        "union": union,
        "employers": employers,
        "member": member,
    }
