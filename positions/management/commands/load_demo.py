from django.core.management.base import BaseCommand

from positions.devdata.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo negotiation (US / North Korea / South Korea, 2018–2019). "
        "Safe to run again: what is missing is created, demo rows that differ are "
        "brought back to the demo's values, and a second run changes nothing."
    )

    def handle(self, *args, **options):
        changed = load_demo()
        if not changed:
            self.stdout.write("Demo data already loaded; nothing changed.")
            return
        summary = ", ".join(
            f"{count} {name}" for name, count in sorted(changed.items())
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
