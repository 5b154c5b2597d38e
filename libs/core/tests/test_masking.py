"""One masking policy: what a masked value may still show (privacy probe: ID mask + birth date)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from socialaid.core.ids import gb11643_check_char
from socialaid.core.masking import (
    mask_account_number,
    mask_birth_date,
    mask_id_number,
    mask_name,
)

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


@given(born=births, seq=st.integers(0, 999), region=st.sampled_from(["141102", "110101"]))
def test_a_masked_id_and_the_birth_date_together_leave_the_sequence_unknown(born, seq, region):
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    idn = body + gb11643_check_char(body)
    masked = mask_id_number(idn)
    # Only the region and the check character are shown: with the birth date known as well,
    # the three sequence digits stay hidden (1,000 candidates, not one).
    assert len(masked) == 18
    assert [i for i, c in enumerate(masked) if c != "*"] == [0, 1, 2, 3, 4, 5, 17]
    assert mask_id_number(masked) == masked  # masking twice changes nothing


def test_names_accounts_and_birth_dates():
    assert mask_name("张三丰") == "张**"
    assert mask_name("") == ""
    assert mask_account_number("6217000010001234567") == "*" * 15 + "4567"
    assert mask_account_number("123") == "***"
    assert mask_account_number(mask_account_number("6217000010001234567")).endswith("4567")
    assert mask_birth_date(dt.date(1961, 3, 14)) == "1961-**-**"
    assert mask_id_number("12345") == "*****"
