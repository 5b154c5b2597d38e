"""Human text, money and date bounds as the request schemas apply them (edge-hardening probes:
NUL bytes, control and bidi characters, ANSI escapes, exponent and negative-zero amounts,
implausible dates, oversized JSON values)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from socialaid.core.bounds import (
    AssetMoney,
    BirthDate,
    BusinessDate,
    ConsentDate,
    Month,
    MonthlyMoney,
    bounded_json,
    json_value_problem,
)
from socialaid.core.money import Money, NonNegativeMoney
from socialaid.core.text import Code, Name, Note, normalise_text, text_problem

SUSPECT = (
    [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e")
    + list("\u2060\u2066\u2067\u2068\u2069\ufeff")
)
clean_text = st.text(
    alphabet=st.characters(codec="utf-8", blacklist_characters="".join(SUSPECT)),
    max_size=200,
)


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Name
    note: Note | None = None
    code: Code = "x"


class Amounts(BaseModel):
    signed: Money = Decimal("0")
    amount: NonNegativeMoney = Decimal("0")
    monthly: MonthlyMoney = Decimal("0")
    assets: AssetMoney = Decimal("0")


class Dates(BaseModel):
    born: BirthDate = dt.date(1980, 1, 1)
    consent: ConsentDate | None = None
    business: BusinessDate = dt.date(2026, 1, 1)
    month: Month = "2026-01"


def refusal(model: type[BaseModel], **data: Any) -> str:
    with pytest.raises(ValidationError) as info:
        model(**data)
    return str(info.value)


@given(clean_text)
def test_clean_text_is_accepted_in_nfc_and_round_trips(value: str) -> None:
    out = normalise_text(value)
    assert out == unicodedata.normalize("NFC", value)
    assert normalise_text(out) == out  # idempotent: storing and re-reading changes nothing


@given(st.text(max_size=50), st.sampled_from(SUSPECT), st.text(max_size=50))
def test_any_text_with_a_forbidden_character_is_refused(before: str, bad: str, after: str) -> None:
    value = before + bad + after
    if bad in "\t\n\r":
        assert text_problem(value, multiline=False) is not None
        return
    with pytest.raises(ValueError, match="must not contain"):
        normalise_text(value, multiline=True)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("张\x00三", "NUL character"),
        ("ab\x1b[31mred", "ANSI escape sequence"),
        ("abc\u202egnp.exe", "bidirectional control character"),
        ("ab\u2066c\u2069", "bidirectional control character"),
        ("zero\u200bwidth", "zero-width character"),
        ("\ufeffbom", "zero-width character"),
        ("bell\x07", "control character"),
        ("c1\x85c1", "control character"),
        ("del\x7f", "control character"),
        ("two\nlines", "single line"),
        ("lone\ud800", "unicode string"),  # pydantic refuses it first,
    ],
)
def test_each_class_of_bad_text_is_refused_with_a_clear_message(value: str, message: str) -> None:
    assert message in refusal(Person, name=value)


def test_notes_keep_line_breaks_and_tabs_but_not_other_controls() -> None:
    assert Person(name="a", note="line one\r\nline\ttwo").note == "line one\r\nline\ttwo"
    assert "NUL character" in refusal(Person, name="a", note="x\x00")


def test_text_is_stored_in_nfc_and_bounded() -> None:
    assert Person(name="e\u0301").name == "\u00e9"
    assert "at most 100 characters" in refusal(Person, name="x" * 101)
    assert "at least 1 character" in refusal(Person, name="   ")
    assert "at most 2000" in refusal(Person, name="a", note="n" * 2001)


@pytest.mark.parametrize("code", ["a b", "ä", "-lead", "x\x00", "y" * 65, ""])
def test_codes_have_a_closed_alphabet(code: str) -> None:
    refusal(Person, name="a", code=code)


amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)


@given(amounts)
def test_every_accepted_amount_round_trips_as_its_decimal_string(value: Decimal) -> None:
    text = f"{value:f}"
    parsed = Amounts.model_validate({"amount": text, "signed": f"-{text}" if value else text})
    assert parsed.amount == value
    assert parsed.model_dump(mode="json")["amount"] == text
    assert Amounts.model_validate(parsed.model_dump(mode="json")).amount == value


@pytest.mark.parametrize(
    "value",
    ["1E+2", "1e2", "-0.00", "-0", "1.234", "1000000000000", "NaN", "Infinity", " 1", "+1", "1,0"],
)
def test_malformed_or_out_of_range_amounts_are_refused(value: str) -> None:
    refusal(Amounts, signed=value)


def test_money_bounds_and_floats() -> None:
    assert "float" in refusal(Amounts, amount=1.5)
    assert "negative" in refusal(Amounts, amount="-1.00")
    assert Amounts.model_validate({"signed": "-12.30"}).signed == Decimal("-12.30")
    assert Amounts.model_validate({"monthly": "10000000.00"}).monthly == Decimal("10000000.00")
    assert "less than or equal" in refusal(Amounts, monthly="10000000.01")
    refusal(Amounts, assets="999999999999.99")  # would overflow sums of NUMERIC(14,2)
    assert Amounts(signed=Decimal("-0.00")).signed == Decimal("0.00")  # from code: normalised


def _today() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()


def test_dates_within_plausible_ranges() -> None:
    refusal(Dates, born="1899-12-31")
    refusal(Dates, born=(_today() + dt.timedelta(days=2)).isoformat())
    assert Dates.model_validate({"born": "1900-01-01"}).born == dt.date(1900, 1, 1)
    refusal(Dates, business="9999-12-31")
    refusal(Dates, business="1900-01-01")
    assert Dates(consent=_today()).consent == _today()
    assert "future" in refusal(Dates, consent=(_today() + dt.timedelta(days=2)).isoformat())
    assert "more than a year" in refusal(Dates, consent="2000-01-01")
    refusal(Dates, month="1900-01")
    refusal(Dates, month="9999-12")
    refusal(Dates, month="2026-13")


def test_free_form_json_values_are_bounded() -> None:
    assert json_value_problem({"a": [1, "two", {"b": None}]}) is None
    assert "NUL" in str(json_value_problem({"a": "x\x00"}))
    assert "nested deeper" in str(json_value_problem(_nested(20)))
    assert "more than" in str(json_value_problem(list(range(20_000))))
    assert "longer than" in str(json_value_problem(["x" * 3000]))
    assert "key" in str(json_value_problem({"k\x00": 1}))
    with pytest.raises(ValueError, match="value holds more than"):
        bounded_json(list(range(20_000)))


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value
