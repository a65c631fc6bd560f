"""The national administrative-division table: names, adcodes, parents and short forms.

Source: jionlp's `dictionary/china_location.txt` (province/city/county rows with adcodes and
curated short forms, plus townships/streets without codes). We read that file directly instead
of `import jionlp` (which is slow and prints a banner), parse it once per process (lru_cache) and
keep a pickle under ~/.cache/kg keyed by the source file's size and mtime, so later processes load
it in milliseconds. Towns have no official code in the table; their `code` is the county code
plus ":" and the town name (deterministic, visibly not an adcode).
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.extract.common_words import common_words
from kg.extract.lexicon import load
from kg.package_files import package_file
from kg.settings import LEXICON_DIR

log = logging.getLogger(__name__)

LEVELS = ("province", "city", "county", "town")
_RANK = {level: i for i, level in enumerate(LEVELS)}
_CACHE_VERSION = "3"

_ADMIN_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区", "林区",
    "省", "市", "盟", "县", "区", "旗",
)
_ETHNIC = re.compile(
    r"(?:(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|"
    r"景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|"
    r"保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各)族)+$"
)
_AUTONOMOUS_PLAIN = {"自治县": "县", "自治州": "州", "自治旗": "旗"}
_TOWN_SUFFIXES = ("街道", "镇", "乡", "苏木")
_PASS_THROUGH = "省直辖"  # 省直辖行政区划: a grouping row, not a division; children hang off the province


@dataclass(frozen=True)
class Division:
    """One administrative division of the table."""

    code: str  # 6-digit adcode; towns: county code + ":" + name (the table has no town codes)
    name: str  # full official name: 甘肃省, 兰州市, 民乐县, 宁夏回族自治区, 浦东新区
    level: str  # "province" | "city" | "county" | "town"
    parent: str | None  # parent code; None for provinces
    short: tuple[str, ...] = ()  # short forms (never 1-char, never a common word)


def strip_suffix(name: str) -> str:
    """The name without its administrative suffix and ethnic-group part (广西壮族自治区 → 广西)."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            core = name[: -len(suffix)]
            stripped = _ETHNIC.sub("", core)
            return stripped if len(stripped) >= 2 else core
    return name


def _source() -> Path:
    # jionlp ships the table zipped and unzips it on first import; read whichever is there
    return package_file("jionlp", "dictionary/china_location.txt", "dictionary/china_location.zip")




def _short_rules() -> tuple[frozenset[str], frozenset[str]]:
    """(stop, keep) short forms from schema/lexicon/regions_short_forms.tsv."""
    stop, keep = set(), set()
    for row in load("regions_short_forms.tsv"):
        (stop if row[1] == "stop" else keep).add(row[0])
    return frozenset(stop), frozenset(keep)


def _shorts(name: str, given: str, level: str, common: frozenset[str],
            stop: frozenset[str], keep: frozenset[str]) -> tuple[str, ...]:
    """Short forms of one division: jionlp's curated ones (else suffix stripping), filtered.

    Autonomous divisions are also written with the plain suffix after the short form
    (陵水黎族自治县 → 陵水县, 黔南布依族苗族自治州 → 黔南州), so those forms are added too.
    """
    out: list[str] = []
    forms = given.split("/") if given else [strip_suffix(name)]
    plain = next((p for a, p in _AUTONOMOUS_PLAIN.items() if name.endswith(a)), "")
    if plain:
        forms += [f + plain for f in forms if f and not f.endswith(plain)]
    for s in forms:
        s = s.strip()
        if len(s) < 2 or s == name or s in out or s in stop:
            continue
        if level in ("county", "town") and s in common and s not in keep:
            continue
        out.append(s)
    return tuple(out)


def parse(lines: Iterable[str], common: frozenset[str], stop: frozenset[str],
          keep: frozenset[str]) -> list[Division]:
    """Divisions from jionlp's tab-indented table (depth = number of leading tabs)."""
    out: list[Division] = []
    parents: dict[int, str | None] = {}
    for raw in lines:
        line = raw.rstrip("\n")
        depth = len(line) - len(line.lstrip("\t"))
        cols = line.strip().split("\t")
        if not cols[0] or depth > 3:
            continue
        parent = parents.get(depth - 1) if depth else None
        if depth == 3:
            if parent is None or not cols[0].endswith(_TOWN_SUFFIXES):
                continue
            out.append(Division(f"{parent}:{cols[0]}", cols[0], "town", parent))
            continue
        parents[depth] = None  # a row without a code leaves its subtree out
        for d in range(depth + 1, 4):
            parents.pop(d, None)
        if len(cols) != 3:
            continue
        name, code, given = cols
        if code == parent or name.startswith(_PASS_THROUGH):
            parents[depth] = parent  # a repeated row (municipality, 东莞-like city) or 省直辖: children go up
            continue
        level = LEVELS[depth]
        out.append(Division(code, name, level, parent, _shorts(name, given, level, common, stop, keep)))
        parents[depth] = code
    return out


class DivisionTable:
    """Look-ups over the division table: by surface, by code, up the parent chain."""

    def __init__(self, items: Iterable[Division]):
        self._by_code: dict[str, Division] = {}
        by_surface: dict[str, list[Division]] = defaultdict(list)
        for d in items:
            if d.code in self._by_code:
                continue  # the table repeats a code now and then (two development zones): first row wins
            self._by_code[d.code] = d
            for s in dict.fromkeys((d.name, *d.short)):
                by_surface[s].append(d)
        self._by_surface = {s: tuple(ds) for s, ds in by_surface.items()}
        self._names = frozenset(d.name for d in self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Division | None:
        """The division with this code, or None."""
        return self._by_code.get(code)

    def lookup(self, surface: str) -> list[Division]:
        """All divisions whose name or short form equals `surface`."""
        return list(self._by_surface.get(surface, ()))

    def written(self, surface: str) -> tuple[tuple[Division, ...], bool]:
        """The divisions `surface` names (as `lookup`, not copied), and whether it is the full name
        of one of them (else only a short form)."""
        return self._by_surface.get(surface, ()), surface in self._names

    def chain(self, code: str) -> list[Division]:
        """The division, its parent, … up to the province (empty for an unknown code)."""
        out: list[Division] = []
        d = self._by_code.get(code)
        while d is not None and d not in out:
            out.append(d)
            d = self._by_code.get(d.parent) if d.parent else None
        return out

    def resolve(
        self, surface: str, context: Iterable[str] = (), *, prefer_higher: bool = True
    ) -> Division | None:
        """One division for `surface`, disambiguated by the codes of the article's other regions.

        A candidate is supported when a context code is itself, one of its ancestors or one of its
        descendants. One supported candidate wins; otherwise, for a bare short form, a unique
        highest-level candidate wins (unless `prefer_higher` is false); anything else stays
        unresolved (None, logged at debug).
        """
        found = self._by_surface.get(surface, ())
        if len(found) <= 1:
            return found[0] if found else None
        ctx = set(context)
        related = {d.code: {c.code for c in self.chain(d.code)} for d in found}
        for code in ctx:
            for up in self.chain(code):
                if up.code in related:
                    related[up.code].add(code)
        pool = [d for d in found if related[d.code] & ctx] or list(found)
        if len(pool) == 1:
            return pool[0]
        if prefer_higher and all(d.name != surface for d in pool):
            top = min(_RANK[d.level] for d in pool)
            best = [d for d in pool if _RANK[d.level] == top]
            if len(best) == 1:
                return best[0]
        log.debug("region %r ambiguous: %s", surface, ", ".join(f"{d.name}/{d.code}" for d in pool))
        return None

    def surfaces(self) -> Iterable[str]:
        """Every name and short form (sorted), e.g. for an Aho-Corasick automaton."""
        return sorted(self._by_surface)


def _cache_path(src: Path) -> Path:
    stat = src.stat()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"
    lex = (LEXICON_DIR / "regions_short_forms.tsv").stat()
    key = f"{_CACHE_VERSION}-{stat.st_size}-{int(stat.st_mtime)}-{lex.st_size}-{int(lex.st_mtime)}"
    return base / f"divisions-{key}.pickle"


def _build(src: Path) -> list[Division]:
    stop, keep = _short_rules()
    if src.suffix == ".zip":
        with zipfile.ZipFile(src) as archive, archive.open("china_location.txt") as raw:
            return parse(io.TextIOWrapper(raw, encoding="utf-8"), common_words(), stop, keep)
    with src.open(encoding="utf-8") as fh:
        return parse(fh, common_words(), stop, keep)


@lru_cache(maxsize=1)
def divisions() -> DivisionTable:
    """The process-wide division table (parsed once, pickled under ~/.cache/kg)."""
    src = _source()
    cache = _cache_path(src)
    try:
        items = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        items = _build(src)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, cache)
        except OSError:
            log.debug("cannot write division cache %s", cache)
    return DivisionTable(items)
