from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import DEFAULT_DB_ALIAS

from explainer import pagecache, searchindex
from explainer.management.commands.load_seed import DEFAULT_FIXTURE


def is_seed(label):
    """Whether a fixture label names fixtures/seed.json (with or without .json)."""
    seed = DEFAULT_FIXTURE.resolve()
    return any(Path(name).resolve() == seed for name in {label, f"{label}.json"})


class Command(loaddata.Command):
    help = (
        f"{loaddata.Command.help} The seed content (fixtures/seed.json) is handed to "
        "load_seed, which saves and checks each object as the admin would. After other "
        "fixtures, search's index is made afresh."
    )

    def save_obj(self, obj):
        # A fixture carries its own history: setting its links is not a new version.
        obj.object.skip_history_when_saving = True
        return super().save_obj(obj)

    def handle(self, *fixture_labels, **options):
        seed = [label for label in fixture_labels if is_seed(label)]
        if not seed:
            with pagecache.one_change():
                super().handle(*fixture_labels, **options)
                # Rows are written as they are, without the saves that keep search's
                # index: make it afresh from what is now stored.
                content = any(model._meta.app_label == "explainer" for model in self.models)
                if content and options["database"] == DEFAULT_DB_ALIAS:
                    searchindex.rebuild()
            return
        # Plain loaddata writes rows as they are: the seed's rendered Markdown, citation
        # positions and timestamps are made by saving, so it fails or loads half-made.
        plain = (
            options["database"] == DEFAULT_DB_ALIAS
            and not options["app_label"]
            and not options["exclude"]
            and not options["format"]
        )
        if len(fixture_labels) > 1 or not plain:
            raise CommandError(
                f"{seed[0]} is the seed content, which only `manage.py load_seed` loads "
                "(alone, into the default database). Load other fixtures separately."
            )
        self.stdout.write(f"{seed[0]} is the seed content: loading it with load_seed.")
        call_command(
            "load_seed",
            fixture=DEFAULT_FIXTURE,
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
