from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from explainer import citations
from explainer.models import Citation, Party, StickingPoint

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = (
        "Load the seed content, saving each object as the admin would (rendering "
        "Markdown, locating every citation in its source). Refuses, and loads nothing, "
        "if any citation or marker does not verify."
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
            models = set()
            count = 0
            for deserialized in serializers.deserialize("json", data):
                instance = deserialized.object
                instance.save()
                for name, values in deserialized.m2m_data.items():
                    getattr(instance, name).set(values)
                models.add(type(instance))
                count += 1
            self._reset_sequences(models)
            problems = self._problems()
            if problems:
                raise CommandError("Seed content does not verify:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} objects from {fixture.name}."))

    def _reset_sequences(self, models):
        # Objects were saved with explicit primary keys; PostgreSQL's sequences must be
        # moved past them or the next object an editor adds collides.
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _problems(self):
        problems = [
            f"citation {citation.key}: passage not found in “{citation.source}”"
            for citation in Citation.objects.filter(position__isnull=True).select_related("source")
        ]
        for point in StickingPoint.objects.all():
            problems += [
                f"{point.slug}: {error}" for error in citations.marker_errors(point.explanation)
            ]
        for party in Party.objects.exclude(description=""):
            problems += [
                f"{party.slug}: {error}" for error in citations.marker_errors(party.description)
            ]
        return problems
