from django.core.management.base import BaseCommand

from positions.devdata.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo negotiation (US / North Korea / South Korea, 2018–2019). "
        "Safe to run again: only what is missing is created."
    )

    def handle(self, *args, **options):
        created = load_demo()
        if not created:
            self.stdout.write("Demo data already loaded; nothing changed.")
            return
        summary = ", ".join(
            f"{count} {name}" for name, count in sorted(created.items())
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
