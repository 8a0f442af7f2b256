"""The one way a status changes: lock the row, check the machine's table, save, write the event.

Each state machine (orders, shops, product moderation, live sessions, flash deals) is a
`StateMachine` in its app's `enums.py`; each service that moves a status calls `transition()`
with a `record` callback that writes the typed event row. All of it happens in one transaction,
so there is never a status without its event or an event without its status.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Refusal

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class StateMachine:
    """`table[current]` is the set of statuses `current` may move to; `choices` labels them."""

    name: str
    table: Mapping[str, frozenset[str]]
    choices: type[models.TextChoices]
    # "%(current)s" and "%(target)s" are the statuses' labels, in the reader's language.
    refusal_message: str
    field: str = "status"

    def allows(self, current: str, target: str) -> bool:
        return target in self.table.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        if not self.allows(current, target):
            raise TransitionNotAllowed(machine=self, current=current, target=target)

    def label(self, status: str) -> str:
        try:
            return str(self.choices(status).label)
        except ValueError:
            return status


class TransitionNotAllowed(Refusal):
    code = "transition_not_allowed"

    def __init__(self, *, machine: StateMachine, current: str, target: str):
        self.machine, self.current, self.target = machine, current, target
        super().__init__(
            str(machine.refusal_message)
            % {"current": machine.label(current), "target": machine.label(target)}
        )


def transition(
    *,
    machine: StateMachine,
    instance: M,
    to: str,
    record: Callable[[M, str], Any],
    changes: Mapping[str, Any] | None = None,
) -> M:
    """Move `instance` to `to` as `machine` allows; returns the locked, saved row.

    Locks the row (`select_for_update`), so two moves of one row serialize and the second sees
    the first's result; checks the table against the *locked* status; saves the status, `changes`
    and `updated_at` (when the model has one) with `update_fields`; calls `record(locked,
    previous)` to write the event, all in one transaction. A refusal writes nothing. The caller's
    `instance` sees the saved fields too.
    """
    changes = dict(changes or {})
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        previous = getattr(locked, machine.field)
        machine.check(previous, to)
        setattr(locked, machine.field, to)
        for name, value in changes.items():
            setattr(locked, name, value)
        fields = [machine.field, *changes]
        if any(field.name == "updated_at" for field in locked._meta.concrete_fields):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        record(locked, previous)
    for name in fields:
        setattr(instance, name, getattr(locked, name))
    return locked


def event_message(messages: Mapping[str, str], kind: str, params: Mapping[str, Any]) -> str:
    """An event's sentence in the active language: `messages[kind] % params`.

    A template that asks for a parameter an old row lacks still reads as its bare sentence, never
    an error on the page that lists the events.
    """
    template = messages.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % dict(params)
    except (KeyError, TypeError, ValueError):
        return str(template).replace("%(", "(")


class AuditEvent(models.Model):
    """Base of the typed event rows: a `kind` (each subclass gives it its enum's choices) and the
    parameters its sentence needs. Rows store facts, never sentences, so each reader reads them in
    their own language. Subclasses set `MESSAGES = {kind: gettext_lazy("… %(param)s …")}`."""

    MESSAGES: Mapping[str, str] = {}

    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def message(self) -> str:
        return event_message(self.MESSAGES, self.kind, self.params)  # type: ignore[attr-defined]
