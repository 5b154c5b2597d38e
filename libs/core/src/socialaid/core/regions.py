"""Administrative divisions (GB/T 2260) known to this deployment, with their parents.

Parameters fall back from a county to its city, province and the national
default; applications must name a known county-level (or lower) division.
"""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL = "000000"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str | None
    level: str  # national | province | city | county


_DATA = [
    (NATIONAL, "全国", None, "national"),
    ("140000", "山西省", NATIONAL, "province"),
    ("141100", "吕梁市", "140000", "city"),
    ("141102", "离石区", "141100", "county"),
    ("141121", "文水县", "141100", "county"),
    ("141122", "交城县", "141100", "county"),
    ("141123", "兴县", "141100", "county"),
    ("141124", "临县", "141100", "county"),
    ("141125", "柳林县", "141100", "county"),
    ("141126", "石楼县", "141100", "county"),
    ("141127", "岚县", "141100", "county"),
    ("141128", "方山县", "141100", "county"),
    ("141129", "中阳县", "141100", "county"),
    ("141130", "交口县", "141100", "county"),
    ("141181", "孝义市", "141100", "county"),
    ("141182", "汾阳市", "141100", "county"),
    ("110000", "北京市", NATIONAL, "province"),
    ("110108", "海淀区", "110000", "county"),
    ("340000", "安徽省", NATIONAL, "province"),
    ("340700", "铜陵市", "340000", "city"),
    ("370000", "山东省", NATIONAL, "province"),
    ("370300", "淄博市", "370000", "city"),
]

REGIONS: dict[str, Region] = {c: Region(c, n, p, lv) for c, n, p, lv in _DATA}


def get_region(code: str) -> Region | None:
    return REGIONS.get(code)


def is_known_region(code: str) -> bool:
    return code in REGIONS


def lineage(code: str) -> list[str]:
    """The region and its ancestors, nearest first, ending with the national default."""
    out: list[str] = []
    cur: str | None = code
    while cur is not None and cur in REGIONS:
        out.append(cur)
        cur = REGIONS[cur].parent
    if not out or out[-1] != NATIONAL:
        out.append(NATIONAL)
    return out
