from django.apps import AppConfig


class ExplainerConfig(AppConfig):
    name = "explainer"
    verbose_name = "Strike explainer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from explainer import checks, pagecache  # noqa: F401 - checks register themselves

        pagecache.connect_signals()
