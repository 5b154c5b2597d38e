"""The JSON encoder for documents writes what ``json.dumps`` would, compactly, for any value it
accepts; and the template pieces for bulk encoders escape like it."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaid.core.jsontext import dumps, dumps_bytes, json_string_inner, needs_no_escaping


def stdlib(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(json_values)
def test_same_document_as_the_standard_library(value):
    assert json.loads(dumps(value)) == value
    assert dumps(value) == stdlib(value)


def test_non_ascii_and_control_characters_as_the_standard_library():
    value = {"说明": '低保金 = 标准 − 收入\n\t"引号" \\ \x00\x1f\u2028'}
    assert dumps(value) == stdlib(value)
    assert dumps_bytes(value) == stdlib(value).encode()


def test_values_only_the_standard_library_encodes_still_encode():
    value = {1: "integer key", "big": 2**80}  # beyond 64 bits: orjson refuses, json does not
    assert dumps(value) == stdlib(value) == '{"1":"integer key","big":1208925819614629174706176}'


def test_refused_as_before():
    with pytest.raises(TypeError):
        dumps({"amount": Decimal("1.50")})


@given(st.text())
def test_string_pieces_escape_like_the_standard_library(text):
    inner = json_string_inner(text)
    assert json.loads(f'"{inner}"') == text
    if needs_no_escaping(text):
        assert inner == text
