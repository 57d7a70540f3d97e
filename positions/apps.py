from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Positions"

    def ready(self):
        # Every process that writes publishes each committed data version to
        # the edge cache (its receiver), management commands included.
        from config.lib import edge_cache  # noqa: F401
