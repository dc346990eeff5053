from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from explainer.models import Citation, Demand, MarkedMixin, StickingPoint

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = (
        "Load the seed content, saving each object as the admin would (rendering "
        "Markdown, locating every citation in its source) and checking it as the admin "
        "would. Refuses, and loads nothing, if anything fails a check: a passage not in "
        "its source, a marker, a quote the source does not print as one, words copied "
        "from a source, or a position its passages do not attribute as stated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has sticking points.",
        )

    def handle(self, *args, fixture, if_empty, **options):
        if if_empty and StickingPoint.objects.exists():
            self.stdout.write("Content already present; seed not loaded.")
            return
        try:
            data = fixture.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {fixture}: {error}") from error

        with transaction.atomic():
            loaded = []
            for deserialized in serializers.deserialize("json", data):
                instance = deserialized.object
                revised = getattr(instance, "updated_at", None)
                instance.save()
                for name, values in deserialized.m2m_data.items():
                    getattr(instance, name).set(values)
                if revised is not None:
                    # The fixture says when its content was last revised; loading it is
                    # not a revision.
                    type(instance).objects.filter(pk=instance.pk).update(updated_at=revised)
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
