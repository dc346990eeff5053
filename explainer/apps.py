from django.apps import AppConfig
from django.db.models import F
from django.db.models.signals import post_migrate


class ExplainerConfig(AppConfig):
    name = "explainer"
    verbose_name = "Strike explainer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from explainer import checks, pagecache, searchindex  # noqa: F401 - checks register

        pagecache.connect_signals()
        searchindex.connect_signals()
        # Data migrations change content without signals: count them as a change.
        post_migrate.connect(content_migrated, sender=self)
        post_migrate.connect(searchindex.index_migrated, sender=self)


def content_migrated(using="default", **kwargs):
    from django.db import connections

    from explainer.models import ContentVersion

    # Not when migrating back to before the count existed.
    if ContentVersion._meta.db_table in connections[using].introspection.table_names():
        ContentVersion.objects.using(using).filter(pk=1).update(count=F("count") + 1)
