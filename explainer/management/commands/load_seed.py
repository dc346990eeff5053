from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from explainer.models import (
    Citation,
    Demand,
    Event,
    GlossaryTerm,
    MarkedMixin,
    Note,
    Offer,
    OfferTerm,
    Party,
    SearchEquivalent,
    Source,
    StickingPoint,
)

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
# Every kind of content, in an order that deletes what cites before what is cited.
CONTENT = [
    Note,
    OfferTerm,
    Offer,
    Event,
    Demand,
    StickingPoint,
    GlossaryTerm,
    SearchEquivalent,
    Citation,
    Party,
    Source,
]


class Command(BaseCommand):
    help = (
        "Load the seed content, saving each object as the admin would (rendering "
        "Markdown, locating every citation in its source) and checking it as the admin "
        "would. Refuses, and loads nothing, if anything fails a check: a passage not in "
        "its source, a marker, a quote the source does not print as one, words copied "
        "from a source, or a position its passages do not attribute as stated. Loads only "
        "into a database without content; --reset replaces the content there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)
        when_present = parser.add_mutually_exclusive_group()
        when_present.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds content.",
        )
        when_present.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete all content (sources, citations, parties, sticking points, offers, "
                "events, glossary) and load the seed in its place, in one transaction: if "
                "the seed does not load, nothing is deleted. Asks first unless --no-input."
            ),
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask before --reset deletes content.",
        )

    def handle(self, *args, fixture, if_empty, reset, interactive=True, **options):
        present = self._present()
        if present and if_empty:
            self.stdout.write("Content already present; seed not loaded.")
            return
        if present and not reset:
            raise CommandError(
                f"The database already holds content ({present}); the seed loads only "
                "into a database without any. To replace all of it with the seed, run "
                "`manage.py load_seed --reset`."
            )
        try:
            data = fixture.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {fixture}: {error}") from error
        if present and interactive:
            answer = input(
                f"This deletes all content ({present}) and loads {fixture.name} in its "
                "place. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing deleted; seed not loaded.")

        with transaction.atomic():
            if present:
                self._delete_content()
            loaded = []
            for deserialized in serializers.deserialize("json", data):
                instance = deserialized.object
                # The fixture says when its content was published and last revised;
                # loading it is neither.
                stamps = {
                    name: getattr(instance, name)
                    for name in ("updated_at", "published_at")
                    if getattr(instance, name, None) is not None
                }
                instance.save()
                for name, values in deserialized.m2m_data.items():
                    getattr(instance, name).set(values)
                if stamps:
                    type(instance).objects.filter(pk=instance.pk).update(**stamps)
                loaded.append(instance)
            for instance in loaded:
                # Markers may name citations the fixture lists after the prose.
                if isinstance(instance, MarkedMixin):
                    instance.link_citations()
            self._reset_sequences({type(instance) for instance in loaded})
            problems = self._problems(loaded)
            if problems:
                raise CommandError("Seed content does not verify:\n  " + "\n  ".join(problems))
        count = len(loaded)
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} objects from {fixture.name}."))

    def _present(self):
        """What content the database holds, as words ("8 sticking points, 2 sources"),
        or an empty string."""
        counts = [(model._meta, model.objects.count()) for model in reversed(CONTENT)]
        return ", ".join(
            f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
            for meta, count in counts
            if count
        )

    def _delete_content(self):
        # Parties' descriptions cite passages too; unlink them so no passage is cited
        # when its turn comes (cited passages refuse deletion).
        Party.cited.through.objects.all().delete()
        # Published corrections refuse deletion, one by one; replacing all content at
        # once is the operator's call, made with --reset.
        Note.objects.update(publication=Note.Publication.DRAFT)
        for model in CONTENT:
            model.objects.all().delete()

    def _reset_sequences(self, models):
        # Objects were saved with explicit primary keys; PostgreSQL's sequences must be
        # moved past them or the next object an editor adds collides.
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _problems(self, loaded):
        problems = [
            f"citation {citation.key}: passage not found in “{citation.source}”"
            for citation in Citation.objects.filter(position__isnull=True).select_related("source")
        ]
        for instance in loaded:
            # Every object after all are saved, so markers can name later citations.
            instance.refresh_from_db()
            label = f"{instance._meta.model_name} {getattr(instance, 'slug', instance.pk)}"
            try:
                instance.full_clean()
            except ValidationError as error:
                problems += [
                    f"{label}: {field}: {message}"
                    for field, messages in error.message_dict.items()
                    for message in messages
                ]
            if isinstance(instance, Demand):
                error = instance.attribution_error(list(instance.citations.all()))
                if error:
                    problems.append(f"{label}: {error}")
        return problems
