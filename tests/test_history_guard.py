"""django-simple-history records saves and deletes through model signals.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` send none, so a
change made through them is missing from history. simple_history's
``*_with_history`` helpers are the allowed way to write in bulk.
"""

import ast
import datetime
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import ForeignObjectRel
from simple_history.manager import HistoryManager

from actors.models import Actor, Affiliation
from positions.models import (
    Article,
    Event,
    Negotiation,
    Position,
    Proposal,
    ProposalLink,
)
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    NegotiationFactory,
    PositionFactory,
    ProposalFactory,
    StateFactory,
)

ROOT = Path(__file__).resolve().parent.parent
SCANNED_PACKAGES = ("actors", "positions", "config")
UNTRACKED_WRITES = {"update", "bulk_create", "bulk_update"}
# Names in a receiver chain that make it a QuerySet or a manager.
QUERYSET_NAMES = {
    "objects",
    "_default_manager",
    "_base_manager",
    "history",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "get_queryset",
    "order_by",
    "distinct",
    "annotate",
    "alias",
    "select_related",
    "prefetch_related",
    "using",
    "none",
    "only",
    "defer",
}


def tracked_models():
    return [
        model
        for model in apps.get_models()
        if isinstance(getattr(model, "history", None), HistoryManager)
    ]


def tracked_manager_names():
    """Related managers that hold rows of tracked models (``actor.positions``…)."""
    tracked = set(tracked_models())
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.one_to_many or field.many_to_many):
                continue
            if field.related_model not in tracked:
                continue
            if isinstance(field, ForeignObjectRel):
                if field.get_accessor_name():
                    names.add(field.get_accessor_name())
            else:
                names.add(field.name)
    return names


def test_it_knows_the_related_managers_of_tracked_models():
    assert {
        "positions",
        "spoken_positions",
        "affiliations",
        "members",
        "participants",
        "negotiations",
        "proposals",
        "originated_proposals",
    } <= tracked_manager_names()
    assert not {"actor", "article", "speaker", "person"} & tracked_manager_names()


class BypassFinder(ast.NodeVisitor):
    """Finds ``<queryset or manager>.update/bulk_create/bulk_update(...)`` calls."""

    def __init__(self, *, tracked: set[str], untracked: set[str], managers: set[str]):
        self.tracked, self.untracked, self.managers = tracked, untracked, managers
        self.queryset_variables: set[str] = set()
        self.queryset_classes: list[bool] = []
        self.found: list[tuple[int, str]] = []

    def chain(self, node) -> tuple[list[str], str | None]:
        """Attribute and method names along the receiver, and its root name."""
        names = []
        while True:
            if isinstance(node, ast.Attribute):
                names.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Subscript):
                node = node.value
            elif isinstance(node, ast.BinOp):  # qs1 | qs2
                left, left_root = self.chain(node.left)
                right, right_root = self.chain(node.right)
                root = left_root if self.is_queryset(left, left_root) else right_root
                return names + left + right, root
            elif isinstance(node, ast.Name):
                return names, node.id
            else:
                return names, None

    def is_queryset(self, names: list[str], root: str | None) -> bool:
        if root in self.untracked:
            return False
        if root in self.tracked or root in self.queryset_variables:
            return True
        if root == "self" and self.queryset_classes and self.queryset_classes[-1]:
            return True
        return any(name in QUERYSET_NAMES or name in self.managers for name in names)

    def visit_ClassDef(self, node):
        bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}
        self.queryset_classes.append(
            any(base.endswith(("QuerySet", "Manager")) for base in bases)
        )
        self.generic_visit(node)
        self.queryset_classes.pop()

    def visit_Assign(self, node):
        names, root = self.chain(node.value)
        if self.is_queryset(names, root):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.queryset_variables.add(target.id)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in UNTRACKED_WRITES:
            names, root = self.chain(func.value)
            if self.is_queryset(names, root):
                self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def find_bypasses(source: str) -> list[tuple[int, str]]:
    models = apps.get_models()
    tracked = {model.__name__ for model in tracked_models()}
    finder = BypassFinder(
        tracked=tracked,
        untracked={model.__name__ for model in models} - tracked,
        managers=tracked_manager_names(),
    )
    finder.visit(ast.parse(source))
    return finder.found


def scanned_files():
    for package in SCANNED_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def test_it_scans_the_app_code():
    files = {str(path.relative_to(ROOT)) for path in scanned_files()}

    assert {
        "positions/services/positions.py",
        "actors/models.py",
        "config/settings.py",
    } <= files
    assert not any("migrations" in name or name.startswith("tests") for name in files)


def test_it_finds_no_write_that_bypasses_history_in_the_app_code():
    bypasses = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in scanned_files()
        for line, code in find_bypasses(path.read_text(encoding="utf-8"))
    ]

    assert bypasses == []


@pytest.mark.parametrize(
    "code",
    [
        "Position.objects.filter(actor=a).update(actor=b)",
        "Position.objects.update(version=F('version') + 1)",
        "Actor.objects.bulk_create(actors)",
        "Position.objects.bulk_update(positions, ['stance'])",
        "Position.objects.select_for_update().filter(pk=1).update(stance=0)",
        "Article.objects.exclude(outlet='x').update(outlet='y')",
        "Proposal.objects.all().update(summary='')",
        "Proposal._default_manager.update(summary='')",
        "qs = Position.objects.filter(actor=a)\nqs.update(actor=b)",
        "qs = Position.objects.filter(actor=a) | Position.objects.filter(speaker=a)\n"
        "qs.update(actor=b)",
        "actor.positions.update(stance=0)",
        "actor.spoken_positions.all().update(speaker=None)",
        "keep.affiliations.update(person=other)",
        "Affiliation.objects.on(day).filter(person=p).update(end_date=day)",
        "class PositionQuerySet(models.QuerySet):\n"
        "    def touch(self):\n"
        "        return self.update(version=1)",
    ],
)
def test_it_flags_writes_that_bypass_history(code):
    assert len(find_bypasses(textwrap.dedent(code))) == 1


@pytest.mark.parametrize(
    "code",
    [
        "merged = {}\nmerged.update(changes)",
        "kwargs.update(defaults)",
        "self.fields.update(extra)",
        "context = super().get_context_data()\ncontext.update(extra=1)",
        "bulk_update_with_history(objs, Position, ['actor'])",
        "bulk_create_with_history(objs, Position)",
        "User.objects.filter(username='a').update(is_active=False)",
        "Group.objects.bulk_create(groups)",
        "Position.objects.filter(pk=1).delete()",
        "class PositionForm(forms.ModelForm):\n"
        "    def clean(self):\n"
        "        self.update(x=1)",
    ],
)
def test_it_lets_other_updates_pass(code):
    assert find_bypasses(textwrap.dedent(code)) == []


def test_it_tracks_exactly_the_eight_domain_models():
    assert set(tracked_models()) == {
        Actor,
        Affiliation,
        Negotiation,
        Proposal,
        ProposalLink,
        Event,
        Article,
        Position,
    }


CHANGES = [
    (StateFactory, "description", "Changed."),
    (AffiliationFactory, "role", "Special Envoy"),
    (NegotiationFactory, "description", "Changed."),
    (ProposalFactory, "summary", "Changed."),
    (ArticleFactory, "summary", "Changed."),
    (PositionFactory, "note", "Changed."),
]


@pytest.mark.parametrize(
    ("factory", "field", "value"),
    CHANGES,
    ids=[factory._meta.model.__name__ for factory, _, _ in CHANGES],
)
def test_it_keeps_history_of_every_save_and_delete(db, factory, field, value):
    obj = factory()
    model = type(obj)
    obj_id = obj.pk
    setattr(obj, field, value)
    obj.save()
    obj.delete()

    records = model.history.filter(id=obj_id).order_by("history_id")
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert getattr(records[1], field) == value
    assert not model.objects.filter(pk=obj_id).exists()


def test_it_keeps_history_of_negotiation_participants(db):
    talks = NegotiationFactory(started_on=datetime.date(2018, 6, 12))
    us = StateFactory()

    talks.participants.add(us)

    latest = talks.history.order_by("-history_id").first()
    assert [p.actor_id for p in latest.participants.all()] == [us.pk]
