"""The one place that turns what a request or a socket sent into ids, quantities and text.

Numbers: ASCII digits only. `str.isdigit()` is true for "²" and "٣", which `int()` then rejects
(a 500) or reads as another number ("١٢" is 12, so is the fullwidth "１２"); Django's IntegerField
also takes "1_000", " 12 " and "12.0". A parameter either is a plain run of 0–9 within its range,
or it is not a number at all: the caller answers 400, 404 or a form error.

Redirect targets: `parse_next_url` is the one check of a `next` parameter. Django's
`url_has_allowed_host_and_scheme` passes "true" or "0" (a relative path), which `redirect()` then
takes for a view name to reverse: a NoReverseMatch, a 500.

JSON: `parse_json` decodes a body or frame from outside with its nesting bounded first: json.loads
recurses once per "[" and raises RecursionError (not ValueError) on "[[[[…", which every caller
that caught ValueError answered with a 500 (the payment notification endpoint) or a 1011 close
(the room's socket, live.protocol).

Text: `text_clean` is what every piece of user text from a socket goes through before it is
stored or echoed (live.protocol): PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate (half
an emoji, cut by a browser) cannot be encoded to UTF-8 to be stored or sent.
"""

import json
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

# Database ids are BIGINT (marketplace.settings DEFAULT_AUTO_FIELD): 1 .. 2**63-1.
MAX_ID = 2**63 - 1


def parse_int(raw: object, *, lo: int, hi: int) -> int | None:
    """`raw` as an int if it is ASCII digits (no sign, spaces, underscores or exponent) whose
    value is within lo..hi; else None. `lo` must not be negative."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdecimal():
        return None
    digits = raw.lstrip("0") or "0"
    if len(digits) > len(str(hi)):  # before int(): a million digits cost no more than this
        return None
    value = int(digits)
    return value if lo <= value <= hi else None


def parse_id(raw: object) -> int | None:
    """A database id from a request parameter, or None."""
    return parse_int(raw, lo=1, hi=MAX_ID)


def parse_ids(values: Iterable[object]) -> set[int]:
    """The values that are ids (a `QueryDict.getlist`); the others are dropped."""
    return {value for value in map(parse_id, values) if value is not None}


class StrictIntegerField(forms.IntegerField):
    """A form's IntegerField that takes only what `parse_int` takes: ASCII digits within
    min_value..max_value (both required). The field's `invalid` message covers every other input,
    the range messages theirs."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        if min_value < 0:
            raise ValueError("StrictIntegerField reads unsigned numbers")
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # an initial value, not typed input
        text = str(value).strip()
        if not (text.isascii() and text.isdecimal()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        digits = text.lstrip("0") or "0"
        max_value = self.max_value  # always given (__init__); typed optional by IntegerField
        if max_value is not None and len(digits) > len(str(max_value)):
            # Too large whatever it is, and not worth an int() of a million digits: the range
            # validator refuses it with its own message.
            return max_value + 1
        return int(digits)  # the range validators check min_value..max_value


class IdField(StrictIntegerField):
    """A database id posted by a form (a variant, a product)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


# --- Redirect targets ---------------------------------------------------------------------------


def parse_next_url(raw: object, *, request) -> str:
    """`raw` if it is a URL of this site to send the visitor back to, else "".

    Same host and port (get_host), no step down from https to plain http, and a path from the
    root ("/orders/"), never a relative one: redirect() would take "true" for a view's name."""
    if not isinstance(raw, str) or not raw:
        return ""
    if not url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if "://" not in raw and not raw.startswith("/"):
        return ""
    return raw


# --- JSON ---------------------------------------------------------------------------------------

_JSON_SYNTAX = re.compile(r'[\[\]{}"\\]')


def json_is_deeper_than(text: str, max_depth: int) -> bool:
    """Whether JSON `text` nests arrays and objects more than `max_depth` deep: one pass over the
    brackets, quotes and backslashes, skipping those inside strings (no decoding)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_SYNTAX.finditer(text):
        char, at = match.group(), match.start()
        if at == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity, which json.loads takes by default


def parse_json(raw: str | bytes, *, max_depth: int) -> Any:
    """The JSON value of `raw`; ValueError for anything else: bytes that are not UTF-8, broken
    JSON, NaN or Infinity, integers of more than 4300 digits, nesting deeper than `max_depth`."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw  # UnicodeDecodeError is a ValueError
    if json_is_deeper_than(text, max_depth):
        raise ValueError(f"JSON nested deeper than {max_depth}")
    return json.loads(text, parse_constant=_refuse_constant)


# --- Text ---------------------------------------------------------------------------------------

# C0 controls but tab, newline and carriage return (an SDP's line ends), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_clean(text: str) -> str:
    """`text` as it can be stored and sent: each lone surrogate becomes U+FFFD (the rest of the
    message is kept), and NUL and the other control characters but tab and line ends are dropped.

    A surrogate pair arrives from json.loads already joined into one character, so any surrogate
    left in a str is a lone one."""
    if text.isascii():
        return _CONTROL.sub("", text) if not text.isprintable() else text
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))
