"""marketplace.parsing: ids and quantities from requests are ASCII digits in range or nothing, and
text from sockets is made storable. (The endpoints' own tests: tests/*/test_bad_numbers.py.)"""

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from marketplace.parsing import (
    MAX_ID,
    IdField,
    StrictIntegerField,
    json_is_deeper_than,
    parse_id,
    parse_ids,
    parse_int,
    parse_json,
    parse_next_url,
    text_clean,
)

# What str.isdigit() or int() take that is not a plain ASCII number, and the plain mistakes.
NOT_NUMBERS = ["²", "١٢", "１２", "٣", "-1", "+1", "1e3", "1.0", "1_000", " 1", "0x1", "", "abc", "1\x00"]


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_anything_but_ascii_digits_is_not_an_id(raw):
    assert parse_id(raw) is None
    assert parse_int(raw, lo=0, hi=100) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None)],
)
def test_ids_are_one_to_the_largest_bigint(raw, expected):
    assert parse_id(raw) == expected


def test_a_huge_run_of_digits_is_refused_without_converting_it():
    assert parse_id("9" * 1_000_000) is None
    assert parse_int("9" * 1_000_000, lo=1, hi=10) is None


def test_non_strings_are_not_numbers():
    assert parse_id(None) is None
    assert parse_id(12) is None  # only request text is parsed here
    assert parse_id(["1"]) is None


def test_parse_ids_keeps_only_the_ids():
    assert parse_ids(["3", "²", "3", "١٢", "7", "-1"]) == {3, 7}


@given(st.text())
def test_parse_int_takes_exactly_the_ascii_numbers_in_range(raw):
    parsed = parse_int(raw, lo=1, hi=1000)
    plain = raw.isascii() and raw.isdecimal() and 1 <= int(raw) <= 1000
    assert parsed == (int(raw) if plain else None)


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_reads_back(value):
    assert parse_id(str(value)) == value


class _Form(forms.Form):
    item = IdField()
    quantity = StrictIntegerField(min_value=1, max_value=10)


@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "-1", "1e3", "1.0", "1_000", "0x1", "abc", ""])
def test_the_form_fields_refuse_what_is_not_a_plain_number(raw):
    form = _Form({"item": raw, "quantity": raw})
    assert not form.is_valid()
    assert set(form.errors) == {"item", "quantity"}


def test_the_form_fields_refuse_out_of_range_with_the_range_message():
    form = _Form({"item": "9" * 30, "quantity": "11"})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["item"]] == ["max_value"]
    assert [error.code for error in form.errors.as_data()["quantity"]] == ["max_value"]


def test_the_form_fields_read_plain_numbers():
    form = _Form({"item": str(MAX_ID), "quantity": " 3 "})
    assert form.is_valid()
    assert form.cleaned_data == {"item": MAX_ID, "quantity": 3}


# --- Text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("masih ada?", "masih ada?"),
        ("emoji 😀 utuh", "emoji 😀 utuh"),
        ("setengah \ud83d", "setengah \ufffd"),  # half an emoji: the message is kept
        ("\ude00 di depan", "\ufffd di depan"),
        ("nul\x00di tengah", "nuldi tengah"),
        ("bel\x07 esc\x1b del\x7f", "bel esc del"),
        ("baris\nbaru\ttab\r\n", "baris\nbaru\ttab\r\n"),
        ("Rp 125.000 ✓", "Rp 125.000 ✓"),
    ],
)
def test_text_clean_makes_text_storable_and_keeps_the_message(raw, expected):
    assert text_clean(raw) == expected


# Any character, with lone surrogates and control characters drawn often.
NASTY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.characters(max_codepoint=0x1F),
    )
)


@given(NASTY_TEXT)
def test_cleaned_text_always_encodes_to_utf8_without_nul(raw):
    cleaned = text_clean(raw)
    assert "\x00" not in cleaned
    cleaned.encode("utf-8")  # no lone surrogate left
    assert text_clean(cleaned) == cleaned


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/pesanan/", "/pesanan/"),
        ("/produk/?q=kemeja", "/produk/?q=kemeja"),
        ("http://testserver/keranjang/", "http://testserver/keranjang/"),
        # redirect() would take these for view names (NoReverseMatch, a 500) or a relative path.
        ("true", ""),
        ("0", ""),
        ("cart", ""),
        ("keranjang/", ""),
        # Off the site.
        ("//evil.example/", ""),
        ("https://evil.example/", ""),
        ("http://testserver:8001/", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_a_next_url_is_a_path_of_this_site_or_nothing(rf, raw, expected):
    assert parse_next_url(raw, request=rf.get("/")) == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 5000 + b"]" * 5000,  # json.loads: RecursionError, not ValueError
        '{"a": ' * 40 + "1" + "}" * 40,
        b"\xff\xfe",
        b"NaN",
        b"[Infinity]",
        b"1" * 5000,
        b'{"a": ',
    ],
)
def test_json_too_deep_or_not_json_is_a_value_error(raw):
    with pytest.raises(ValueError):  # noqa: PT011 - the one exception callers catch
        parse_json(raw, max_depth=32)


def test_brackets_inside_strings_are_not_nesting():
    text = '{"text": "[[[[[[[[[[ {{{{ \\" [[[["}'
    assert parse_json(text, max_depth=1) == {"text": '[[[[[[[[[[ {{{{ " [[[['}
    assert json_is_deeper_than('[[["x"]]]', 2) is True
    assert json_is_deeper_than('[[["x"]]]', 3) is False
