"""The national administrative-division list (province, city and county level, with adcodes).

The table ships in the ``cpca`` package (``cpca/resources/adcodes.csv``).  It is read
directly so that importing pandas, which ``cpca`` itself needs, is not paid for.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "区", "县", "旗", "盟", "州")
_LEVEL_OF_SUFFIX = {"特别行政区": "省", "自治区": "省", "自治州": "州", "自治县": "县", "自治旗": "县", "地区": "市",
                    "省": "省",
                    "市": "市", "区": "区", "县": "县", "旗": "县", "盟": "市", "州": "州"}
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


class GazetteerError(RuntimeError):
    """The division table could not be found or read."""


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str  # full name, e.g. 东城区
    level: str  # level character of its suffix: 省/市/区/县/州
    parent: str | None  # adcode of the enclosing division

    @property
    def county_level(self) -> bool:
        """Districts, counties and county-level cities: the last two digits of the adcode are set."""
        return self.adcode[4:6] != "00"

    @property
    def short(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """东城区 → 东城; 凉山彝族自治州 → 凉山 (the ethnic groups go too); names left shorter than two
    characters stay whole (城区)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            if suffix.startswith("自治"):
                while (group := next((g for g in _ethnic_groups() if short.endswith(g)), None)) and \
                        len(short) - len(group) >= 2:
                    short = short[: -len(group)]
            return short
    return name


@cache
def _ethnic_groups() -> tuple[str, ...]:
    from kg import lexicon

    return tuple(sorted(lexicon.ethnic_groups(), key=len, reverse=True))


def _table_path() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError("the division list comes from the 'cpca' package: pip install cpca")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    if not path.exists():
        raise GazetteerError(f"{path}: missing from the installed cpca package; reinstall it")
    return path


class Gazetteer:
    """Look-ups by full name, short name and adcode, and the chain of enclosing divisions."""

    def __init__(self, divisions: list[Division]):
        self.by_code = {d.adcode: d for d in divisions}
        self.by_name: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        for d in divisions:
            self.by_name.setdefault(d.name, []).append(d)
            if d.short != d.name:
                self.by_short.setdefault(d.short, []).append(d)

    def ancestors(self, division: Division) -> list[Division]:
        out = []
        code = division.parent
        while code and code in self.by_code:
            out.append(self.by_code[code])
            code = self.by_code[code].parent
        return out

    def lookup(self, name: str) -> list[Division]:
        """Divisions whose full name, or short name, is ``name``."""
        return self.by_name.get(name) or self.by_short.get(name, [])


def _level(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return _LEVEL_OF_SUFFIX[suffix]
    return "区"


@cache
def gazetteer() -> Gazetteer:
    path = _table_path()
    rows: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[row["adcode"][:6]] = row["name"]
    divisions = []
    for code, name in rows.items():
        if name in _PLACEHOLDERS:
            continue
        parent = None
        if code[4:] != "00":
            parent = code[:4] + "00" if rows.get(code[:4] + "00") not in (None, *_PLACEHOLDERS) else code[:2] + "0000"
        elif code[2:] != "0000":
            parent = code[:2] + "0000"
        if parent not in rows:
            parent = None
        divisions.append(Division(code, name, _level(name), parent))
    return Gazetteer(divisions)
