"""Identifier and money helpers (R-IN-04; architecture: ID numbers masked, money never float)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from socialaid.core.ids import (
    gb11643_check_char,
    id_number_problem,
    keyed_hash,
    uuid7,
)
from socialaid.core.masking import mask_id_number, mask_name
from socialaid.core.money import Money, NonNegativeMoney, round_yuan
from socialaid.core.regions import lineage

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


def make_id(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + gb11643_check_char(body)


def test_known_check_digit_vector():
    # Worked example of GB 11643-1999 (ISO 7064 MOD 11-2): 11010519491231002 → X
    assert gb11643_check_char("11010519491231002") == "X"


@given(born=births, seq=st.integers(0, 999))
def test_r_in_04_generated_ids_are_valid(born, seq):
    assert id_number_problem(make_id("141102", born, seq)) is None


@given(born=births, seq=st.integers(0, 999), pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_r_in_04_any_single_digit_change_is_detected(born, seq, pos, delta):
    good = make_id("141102", born, seq)
    digit = (int(good[pos]) + delta) % 10
    bad = good[:pos] + str(digit) + good[pos + 1 :]
    assert id_number_problem(bad) is not None


@pytest.mark.parametrize(
    "value", ["", "12345", "14110219800101001", "1411021980010100XX", "141102198013010015"]
)
def test_malformed_ids_are_refused(value):
    assert id_number_problem(value) is not None


def test_masking_and_keyed_hash():
    idn = make_id("141102", dt.date(1980, 1, 1), 1)
    masked = mask_id_number(idn)
    assert masked == "141102" + "*" * 11 + idn[-1]
    assert mask_name("张三丰") == "张**"
    assert keyed_hash(idn, "k") == keyed_hash(idn.lower(), "k") != keyed_hash(idn, "other")
    assert idn not in keyed_hash(idn, "k")


def test_uuid7_is_time_ordered():
    ids = [uuid7() for _ in range(200)]
    assert all(u.version == 7 for u in ids)
    assert [u.bytes[:6] for u in ids] == sorted(u.bytes[:6] for u in ids)


class _M(BaseModel):
    amount: Money
    paid: NonNegativeMoney = Decimal("0")


def test_money_is_decimal_serialised_as_string_and_never_float():
    m = _M.model_validate({"amount": "12.30"})
    assert m.model_dump(mode="json") == {"amount": "12.30", "paid": "0"}
    with pytest.raises(ValidationError):
        _M.model_validate({"amount": "1.001"})
    with pytest.raises(ValidationError, match="never a float"):
        _M.model_validate_json('{"amount": 12.5}')
    assert _M.model_validate_json('{"amount": 12}').amount == Decimal("12")
    with pytest.raises(ValidationError):
        _M.model_validate({"amount": "1", "paid": "-0.01"})
    assert round_yuan(Decimal("2.345")) == Decimal("2.35")
    assert round_yuan(Decimal("2.344")) == Decimal("2.34")


def test_region_lineage_falls_back_to_national():
    assert lineage("141102") == ["141102", "141100", "140000", "000000"]
    assert lineage("999999") == ["000000"]


def test_uuid7_blocks_are_distinct_increasing_version_7_values():
    import uuid

    from socialaid.core.ids import uuid7_block, uuid_text

    block = uuid7_block(1000)
    values = [uuid.UUID(int=v) for v in block]
    assert len(set(values)) == 1000 and values == sorted(values)
    assert all(v.version == 7 and v.variant == uuid.RFC_4122 for v in values)
    assert all(uuid_text(v.int) == str(v) for v in values[:10])
    other = uuid7_block(1000)
    assert not set(block) & set(other)  # different random bits
    assert len(uuid7_block(0)) == 0


def test_consecutive_ids_have_the_same_text_as_one_by_one():
    from socialaid.core.ids import uuid7_block, uuid_text, uuid_texts

    ids = uuid7_block(300)
    assert uuid_texts(ids) == [uuid_text(v) for v in ids]
    assert uuid_texts(ids[100:200]) == [uuid_text(v) for v in ids[100:200]]
    assert uuid_texts(range(0)) == []
