import pytest
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Refusal
from marketplace.transitions import StateMachine, TransitionNotAllowed, event_message


class Light(models.TextChoices):
    RED = "red", _("Red")
    GREEN = "green", _("Green")


LIGHTS = StateMachine(
    name="light",
    table={Light.RED: frozenset({Light.GREEN}), Light.GREEN: frozenset({Light.RED})},
    choices=Light,
    refusal_message=_("A light cannot move from “%(current)s” to “%(target)s”."),
)


def test_a_move_outside_the_table_is_a_refusal_naming_both_statuses():
    assert LIGHTS.allows(Light.RED, Light.GREEN)
    with pytest.raises(TransitionNotAllowed) as refused:
        LIGHTS.check(Light.RED, Light.RED)
    assert isinstance(refused.value, Refusal)
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.message == "A light cannot move from “Red” to “Red”."
    assert (refused.value.current, refused.value.target) == ("red", "red")


def test_an_unknown_status_is_refused_and_shown_as_it_is():
    with pytest.raises(TransitionNotAllowed) as refused:
        LIGHTS.check("amber", Light.RED)
    assert refused.value.message == "A light cannot move from “amber” to “Red”."


def test_an_event_reads_in_the_active_language_and_survives_missing_parameters():
    messages = {"cancelled": _("Cancelled: %(reason)s")}
    with translation.override("en"):
        assert event_message(messages, "cancelled", {"reason": "no stock"}) == "Cancelled: no stock"
        assert event_message(messages, "cancelled", {}) == "Cancelled: (reason)s"
        assert event_message(messages, "unknown_kind", {}) == "unknown_kind"


def test_a_refusal_carries_its_default_sentence_and_code_or_the_callers():
    class Closed(Refusal):
        code = "closed"
        default_message = "The shop is closed."

    assert (Closed().message, Closed().code, str(Closed())) == (
        "The shop is closed.",
        "closed",
        "The shop is closed.",
    )
    assert (Closed("Closed today.", code="closed_today").message, Closed(code="x").code) == (
        "Closed today.",
        "x",
    )
