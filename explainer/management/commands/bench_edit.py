import sys

from django.core.management.base import BaseCommand, CommandError

from explainer.models import StickingPoint


class Command(BaseCommand):
    help = (
        "For the benchmark: save a sticking point through the ORM, as an editor's save "
        "would, once per line read from standard input (or --times times), printing "
        "'saved' after each save is committed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--times", type=int, help="Save this many times without waiting for input."
        )

    def handle(self, *args, slug, times, **options):
        try:
            point = StickingPoint.objects.get(slug=slug)
        except StickingPoint.DoesNotExist as error:
            raise CommandError(f"No sticking point {slug!r}.") from error
        lines = range(times) if times is not None else sys.stdin
        for _ in lines:
            point.save()
            self.stdout.write("saved")
            self.stdout.flush()
