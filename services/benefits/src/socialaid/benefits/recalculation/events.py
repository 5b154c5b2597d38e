"""The ``entitlement.changed`` data of a recalculation's changed households, encoded in bulk.

A run changes up to millions of amounts; building each event through the pydantic contract costs
tens of microseconds, so the JSON is formatted from a template with the same keys, in the same
order, as :class:`~socialaid.contracts.events.EntitlementChanged`'s ``to_data`` (money with two
decimals, months as ``YYYY-MM``). The equality of the two encodings is tested, and the outbox
writer validates the first and last payload of every batch against the contract.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np

from socialaid.core.ids import uuid_texts
from socialaid.core.jsontext import json_string_inner, needs_no_escaping

_TEMPLATE = (
    '{"change_id":"%s","case_id":"%s","programme":%s,"region_code":"%s",'
    '"effective_month":"%s","previous_amount":"%s","new_amount":"%s",'
    '"months_already_paid":%s,"arrears":"%s","overpayment":"%s","cause":%s,'
    '"recalculation_id":"%s","changed_at":"%s"}'
)


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def yuan_text(fen: int) -> str:
    """Non-negative fen as yuan with two decimals: 85000 → ``850.00``."""
    return f"{fen // 100}.{fen % 100:02d}"


class _Memo(dict[int, str]):
    """``convert`` of a value, computed on its first lookup only."""

    def __init__(self, convert: Callable[[int], str]):
        super().__init__()
        self.convert = convert

    def __missing__(self, key: int) -> str:
        text = self[key] = self.convert(key)
        return text


def _texts(values: np.ndarray, convert: Callable[[int], str]) -> list[str]:
    """``convert`` applied to each value, computed once per distinct value."""
    return list(map(_Memo(convert).__getitem__, values.tolist()))


def entitlement_changed_payloads(
    *,
    change_ids: range,
    case_ids: Sequence[str],
    programme: str,
    region_codes: Sequence[str],
    region_of: np.ndarray,
    eff_m: np.ndarray,
    prev_fen: np.ndarray,
    new_fen: np.ndarray,
    paid_months: np.ndarray,
    cause: str,
    recalculation_id: str,
    changed_at: str,
) -> list[bytes]:
    """One JSON payload per changed household (row ``i`` of every array).

    ``region_of[i]`` indexes ``region_codes``; ``eff_m`` is the effective month as a month index
    (year × 12 + month − 1); ``paid_months[i]`` counts the months already paid from it on, for
    which the difference is owed (arrears) or to recover (overpayment). Every distinct amount,
    month and region is formatted once; the rows are filled in with one template.
    """
    n = len(case_ids)
    if not n:
        return []
    delta = (new_fen - prev_fen) * paid_months

    def listed(key: int) -> str:
        eff, paid = divmod(key, 1000)
        return json.dumps([month_text(k) for k in range(eff, eff + paid)]).replace(" ", "")

    if needs_no_escaping("".join(case_ids)):
        cases: Sequence[str] = case_ids
    else:
        cases = [json_string_inner(c) for c in case_ids]
    columns = (
        uuid_texts(change_ids),
        cases,
        np.array([json_string_inner(r) for r in region_codes], dtype=object)[region_of].tolist(),
        _texts(eff_m, month_text),
        _texts(prev_fen, yuan_text),
        _texts(new_fen, yuan_text),
        _texts(eff_m * 1000 + paid_months, listed),
        _texts(np.maximum(delta, 0), yuan_text),
        _texts(np.maximum(-delta, 0), yuan_text),
    )
    template = _TEMPLATE % (
        "%s", "%s", json.dumps(programme, ensure_ascii=False).replace("%", "%%"), "%s", "%s",
        "%s", "%s", "%s", "%s", "%s", json.dumps(cause, ensure_ascii=False).replace("%", "%%"),
        json_string_inner(recalculation_id).replace("%", "%%"), json_string_inner(changed_at).replace("%", "%%"),
    )  # fmt: skip
    return [(template % row).encode() for row in zip(*columns, strict=True)]
