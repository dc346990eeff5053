from django.core.management.base import BaseCommand

from explainer import fulltext, searchindex
from explainer.models import SearchDocument


class Command(BaseCommand):
    help = (
        "Make search's index afresh from the content. Saves, deletes, loaddata and "
        "migrate keep it by themselves; run this after changing content some other way "
        "(SQL by hand, a queryset's update())."
    )

    def handle(self, *args, **options):
        from django.db import connection

        lost = fulltext.ensure(connection)
        if lost:
            self.stdout.write(f"Put back: {', '.join(lost)}.")
        searchindex.rebuild()
        count = SearchDocument.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} pages and passages."))
