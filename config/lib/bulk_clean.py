"""``full_clean`` for many new objects at once, with a fixed number of queries.

Django validates one object at a time: a query per foreign key and per unique
rule and constraint, for every object. An import of 100,000 rows spent most of
its time there. ``full_clean_each`` gives the same errors (tests compare it
with ``full_clean``) from one query per foreign key, rule and batch.
"""

import operator
from collections.abc import Iterable, Iterator, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import DatabaseDefault

# Rows written per INSERT, and values per ``IN (…)`` of the checks: a few
# queries for a whole file instead of several per row.
BULK_BATCH_SIZE = 1000


def in_batches(values: Iterable, size: int = BULK_BATCH_SIZE) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def full_clean_each(
    objs: Sequence[models.Model | None], *, between: bool = True, on_checked=None
) -> dict[int, ValidationError]:
    """``full_clean()`` of many new objects of one model, with its messages, but
    in a fixed number of queries rather than several per object.

    Foreign keys are checked to exist, and unique fields and unique constraints
    against the database, with one query per rule (per ``BULK_BATCH_SIZE``
    values); check constraints are evaluated in Python. With ``between``, an
    object also breaks uniqueness by repeating an earlier valid one, as if each
    had been saved before the next was checked. ``None`` entries are skipped.
    Returns the error of each invalid object, by index.
    """
    present = [(index, obj) for index, obj in enumerate(objs) if obj is not None]
    if not present:
        return {}
    model = type(present[0][1])
    if any(type(obj) is not model or not obj._state.adding for _, obj in present):
        raise ValueError("full_clean_each checks new objects of one model.")
    db = router.db_for_write(model)
    known = _existing_foreign_keys(model, [obj for _, obj in present])
    found = {index: _clean_fields_and_clean(obj, known) for index, obj in present}
    unique_rules = _unique_rules(present[0][1])
    # Each constraint with its rule when it is a unique one, in Meta order.
    constraints = [
        (model_class, constraint, _UniqueRule.of_constraint(model_class, constraint))
        if isinstance(constraint, models.UniqueConstraint)
        else (model_class, constraint, None)
        for model_class, model_constraints in present[0][1].get_constraints()
        for constraint in model_constraints
    ]
    rules = unique_rules + [rule for _, _, rule in constraints if rule is not None]
    for rule in rules:
        rule.load_taken(
            [rule.key(obj, _failed(found[index])) for index, obj in present], db
        )

    checked = dict(present)
    errors = {}
    for index in range(len(objs)):
        obj = checked.get(index)
        if obj is not None:
            error = _check_uniqueness_and_constraints(
                obj, found[index], unique_rules, constraints, db
            )
            if error:
                errors[index] = ValidationError(error)
            elif between:
                for rule in rules:
                    rule.take(obj)
        if on_checked is not None:
            on_checked(index)
    return errors


def _failed(errors: dict) -> set[str]:
    return {name for name in errors if name != NON_FIELD_ERRORS}


def _check_uniqueness_and_constraints(
    obj, errors: dict, unique_rules, constraints, db: str
) -> dict:
    # In full_clean()'s order: unique fields, then the constraints, each
    # skipping the fields that failed before.
    exclude = _failed(errors)
    for rule in unique_rules:
        if rule.is_taken(obj, exclude):
            errors = rule.error(obj).update_error_dict(errors)
    exclude = _failed(errors)
    for model_class, constraint, rule in constraints:
        if rule is not None:
            error = rule.error(obj) if rule.is_taken(obj, exclude) else None
        else:
            error = _check_constraint_error(model_class, constraint, obj, exclude, db)
        if error is not None:
            errors = error.update_error_dict(errors)
    return errors


def _existing_foreign_keys(model, objs: list) -> dict[str, set]:
    """For each foreign key, the values among ``objs`` that exist: the check of
    ``ForeignKey.validate``, one query per field instead of one per object."""
    known = {}
    for field in model._meta.fields:
        if not isinstance(field, models.ForeignKey) or field.remote_field.parent_link:
            continue
        values = set()
        for obj in objs:
            raw = getattr(obj, field.attname)
            if raw is not None:
                try:
                    values.add(field.to_python(raw))
                except ValidationError:
                    pass  # Reported by the field's own check.
        target = field.remote_field.field_name
        queryset = (
            field.remote_field.model._base_manager.using(
                router.db_for_read(field.remote_field.model)
            )
            .complex_filter(field.get_limit_choices_to())
            .order_by()
            .values_list(target, flat=True)
        )
        known[field.name] = {
            value
            for batch in in_batches(values)
            for value in queryset.filter(**{f"{target}__in": batch})
        }
    return known


def _clean_fields_and_clean(obj, known: dict[str, set]) -> dict:
    """``clean_fields()`` then ``clean()``, foreign keys checked against ``known``."""
    errors = {}
    for field in obj._meta.fields:
        if field.generated:
            continue
        raw = getattr(obj, field.attname)
        if (field.blank and raw in field.empty_values) or isinstance(
            raw, DatabaseDefault
        ):
            continue
        try:
            if field.name in known and raw is not None:
                value = field.to_python(raw)
                if value not in known[field.name]:
                    raise ValidationError(
                        field.error_messages["invalid"],
                        code="invalid",
                        params={
                            "model": field.remote_field.model._meta.verbose_name,
                            "pk": value,
                            "field": field.remote_field.field_name,
                            "value": value,
                        },
                    )
                field.run_validators(value)
            else:
                value = field.clean(raw, obj)
            setattr(obj, field.attname, value)
        except ValidationError as error:
            errors[field.name] = error.error_list
    try:
        obj.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    return errors


class _UniqueRule:
    """A unique field, ``unique_together`` or ``UniqueConstraint`` over fields:
    the values already taken in the database, and by earlier objects."""

    def __init__(self, model_class, fields, constraint=None):
        self.model_class, self.fields, self.constraint = model_class, fields, constraint
        self.condition = constraint.condition if constraint else None
        self.attnames = [model_class._meta.get_field(name).attname for name in fields]
        # A failed field among these makes full_clean() skip the rule.
        self.refs = frozenset(fields) | (
            _referenced_fields(self.condition) if self.condition else frozenset()
        )
        self.taken: set[tuple] = set()

    @classmethod
    def of_constraint(cls, model_class, constraint: models.UniqueConstraint):
        if constraint.expressions or constraint.nulls_distinct is False:
            raise NotImplementedError(
                f"full_clean_each cannot check {constraint.name} in bulk."
            )
        return cls(model_class, tuple(constraint.fields), constraint)

    def key(self, obj, exclude: set[str]) -> tuple | None:
        """The values this object takes, or None where the rule does not apply:
        a field failed or is null, or the constraint's condition does not hold."""
        if not self.refs.isdisjoint(exclude):
            return None
        values = tuple(getattr(obj, attname) for attname in self.attnames)
        if None in values:
            return None
        if self.condition is not None and _holds(self.condition, obj) is not True:
            return None
        return values

    def load_taken(self, keys: list, db: str) -> None:
        keys = [key for key in keys if key is not None]
        if not keys:
            return
        columns = [set(column) for column in zip(*keys, strict=True)]
        widest = max(range(len(columns)), key=lambda i: len(columns[i]))
        queryset = self.model_class._default_manager.using(db).filter(
            self.condition or Q(),
            **{
                f"{attname}__in": list(column)
                for i, (attname, column) in enumerate(
                    zip(self.attnames, columns, strict=True)
                )
                if i != widest and len(column) <= BULK_BATCH_SIZE
            },
        )
        for batch in in_batches(columns[widest]):
            self.taken.update(
                queryset.filter(**{f"{self.attnames[widest]}__in": batch})
                .order_by()
                .values_list(*self.attnames)
            )

    def is_taken(self, obj, exclude: set[str]) -> bool:
        key = self.key(obj, exclude)
        return key is not None and key in self.taken

    def take(self, obj) -> None:
        key = self.key(obj, set())
        if key is not None:
            self.taken.add(key)

    def error(self, obj) -> ValidationError:
        # The messages and keys of validate_unique() and validate_constraints().
        constraint = self.constraint
        if constraint is None or (
            constraint.condition is None
            and constraint.violation_error_message
            == constraint.default_violation_error_message
        ):
            message = obj.unique_error_message(self.model_class, self.fields)
            error = ValidationError(message, code=message.code)
        else:
            error = ValidationError(
                constraint.get_violation_error_message(),
                code=constraint.violation_error_code,
            )
        if len(self.fields) == 1 and (constraint is None or error.code == "unique"):
            # A model may show a hidden key's error on the field it derives from.
            shown_as = getattr(self.model_class, "UNIQUE_FIELD_SHOWN_AS", {})
            field = shown_as.get(self.fields[0], self.fields[0])
            return ValidationError({field: [error]})
        return error if constraint else ValidationError({NON_FIELD_ERRORS: [error]})


def _unique_rules(obj) -> list[_UniqueRule]:
    unique_checks, date_checks = obj._get_unique_checks()
    if date_checks:
        raise NotImplementedError("full_clean_each cannot check unique_for_date.")
    return [_UniqueRule(model_class, fields) for model_class, fields in unique_checks]


def _check_constraint_error(
    model_class, constraint, obj, exclude: set[str], db: str
) -> ValidationError | None:
    if isinstance(constraint, models.CheckConstraint):
        try:
            if exclude & _referenced_fields(constraint.condition):
                return None
            # Like the database, a condition that is unknown (null) passes.
            if _holds(constraint.condition, obj) is not False:
                return None
            return ValidationError(
                constraint.get_violation_error_message(),
                code=constraint.violation_error_code,
            )
        except NotImplementedError:
            pass
    # Anything not evaluated in Python is checked as full_clean() does it.
    try:
        constraint.validate(model_class, obj, exclude=exclude, using=db)
    except ValidationError as error:
        return error
    return None


_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, values: value in values,
}


def _referenced_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _referenced_fields(child)
        elif isinstance(child, tuple):
            names.add(child[0].split(LOOKUP_SEP)[0])
            if isinstance(child[1], models.F):
                names.add(child[1].name.split(LOOKUP_SEP)[0])
        else:
            raise NotImplementedError(repr(child))
    return names


def _value(obj, name: str):
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # "pk", a relation's field…
        raise NotImplementedError(name) from None
    if not field.concrete:
        raise NotImplementedError(name)
    return getattr(obj, field.attname)


def _holds(condition: Q, obj) -> bool | None:
    """SQL's three-valued truth of a ``Q`` of plain comparisons of ``obj``'s
    own fields; ``NotImplementedError`` for anything else."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_holds(child, obj))
            continue
        if not isinstance(child, tuple):
            raise NotImplementedError(repr(child))
        lookup, expected = child
        name, _, kind = lookup.partition(LOOKUP_SEP)
        value = _value(obj, name)
        if isinstance(expected, models.F):
            expected = _value(obj, expected.name)
        elif hasattr(expected, "resolve_expression"):
            raise NotImplementedError(repr(expected))
        if kind == "isnull":
            results.append((value is None) == bool(expected))
        elif kind in ("", "exact") and expected is None:
            results.append(value is None)
        elif (kind or "exact") not in _COMPARISONS:
            raise NotImplementedError(lookup)
        elif value is None or expected is None:
            results.append(None)
        else:
            results.append(_COMPARISONS[kind or "exact"](value, expected))
    if condition.connector == Q.AND:
        outcome = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        outcome = True if True in results else None if None in results else False
    else:
        raise NotImplementedError(condition.connector)
    return (not outcome) if condition.negated and outcome is not None else outcome
