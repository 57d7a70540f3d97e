import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from positions.devdata.synthetic import Plan, load


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic negotiation (Zipf-skewed actors and "
        "proposals, drifting stances, realistic quotes) for load tests and "
        "benchmarks. The same seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--positions", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--actors", type=int, default=60)
        parser.add_argument("--proposals", type=int, default=300)
        parser.add_argument(
            "--articles",
            type=int,
            help="Default: 20,000, or one per 5 positions for smaller runs.",
        )

    def handle(self, *args, positions, seed, actors, proposals, articles, **options):
        if positions < 1 or actors < 1 or proposals < 1:
            raise CommandError(
                "--positions, --actors and --proposals must be positive."
            )
        articles = articles or min(20_000, max(10, positions // 5))
        if actors * proposals * articles < positions:
            raise CommandError(
                "Too few actors × proposals × articles for that many positions."
            )
        plan = Plan(
            positions=positions,
            seed=seed,
            actors=actors,
            proposals=proposals,
            articles=articles,
        )
        started = time.monotonic()
        with tqdm(
            total=positions, unit="position", disable=options["verbosity"] == 0
        ) as bar:
            try:
                counts = load(plan, on_progress=bar.update)
            except ValueError as error:
                raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Generated {summary} in {seconds:.1f} s (seed {seed}).")
        )
