import time

from django.core.management.base import BaseCommand, CommandError

from explainer import synthetic


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large synthetic content set of neutral placeholder "
        "text, for benchmarks: by default 100 published sticking points, 5,000 events, "
        "1,000 sources and 20,000 citations. Every citation verifies and every marker "
        "resolves. Refuses if the database already has content."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Fraction of the full size to make, e.g. 0.05 (default 1).",
        )

    def handle(self, *args, scale, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        started = time.monotonic()
        try:
            counts = synthetic.build(scale=scale)
        except synthetic.NotEmpty as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {counts.points} sticking points, {counts.events} events, "
                f"{counts.sources} sources, {counts.citations} citations and "
                f"{counts.offers} offers in {time.monotonic() - started:.1f} s."
            )
        )
