"""Initiative mentions: quoted names with a head noun or a trigger verb, trigger + named head noun
phrases, and the nation-wide programme brands."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract import dictionaries
from kg.extract.common_words import all_common
from kg.extract.index import HitIndex, SpanSet
from kg.extract.lexicon import alias_list, column, load, words
from kg.extract.matcher import Matcher, alternation
from kg.model import quick_init

HAN = "\u4e00-\u9fff"
_QUOTE = re.compile(r"[“「『\"]([^“”「」『』\"\n]{1,30})[”」』\"]")
_SENTENCE_PUNCT = set("。！？!?；;")
_BETWEEN_LIST = re.compile(r"[、和及与]?")
_QUANTITY = re.compile(
    r"(?:全[省市县区国])?(?:超|近|约|逾)?"
    r"(?:[0-9一二三四五六七八九十百千万余多首每]+[个批支家所项场次座条届名处]*|一系列|系列|多个|首个|首批)"
)
_NP_BAD = set("的了是在和与及或对为把被将从向到于也都就还要着过等个这那其该各每")


@quick_init
@dataclass(frozen=True)
class InitiativeHit:
    """An initiative written in the body: span (quotes and head included), bare text, canonical name."""

    start: int
    end: int
    text: str
    name: str
    rule: str
    trigger: bool = False  # introduced by a trigger verb (for the runs rule)


@lru_cache(maxsize=1)
def _heads() -> tuple[str, ...]:
    return tuple(sorted(set(words("initiative_heads.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _triggers() -> tuple[str, ...]:
    return tuple(sorted(set(words("initiative_triggers.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def trigger_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, _triggers())))


@lru_cache(maxsize=1)
def _rejects() -> frozenset[str]:
    return frozenset(words("initiative_rejects.txt"))


@dictionaries.word_list("brands")
def brand_words() -> dict[str, str]:
    """Programme brand names and aliases → canonical name."""
    entries: dict[str, str] = {}
    for r in load("initiative_brands.tsv"):
        entries[r[0]] = r[0]
        for a in alias_list(column(r, 1)):
            entries.setdefault(a, r[0])
    return entries


@lru_cache(maxsize=1)
def _brands() -> Matcher[str]:
    return dictionaries.matcher("brands")


@lru_cache(maxsize=1)
def _modifier_re() -> re.Pattern[str]:
    """“某某”的(立体化)举措/做法/模式: a quoted name described by what follows 的."""
    return re.compile(rf"[{HAN}]{{0,6}}?(?:举措|做法|模式|机制|方式|工作法|品牌)")


_NOUN_LIKE_TRIGGERS = frozenset({"组织", "建设", "创新", "服务"})
_NP_EXCLUDED_HEADS = frozenset({"服务", "宣讲", "培训", "方式", "举措"})


@lru_cache(maxsize=1)
def _np_heads() -> str:
    return alternation(h for h in _heads() if len(h) >= 2 and h not in _NP_EXCLUDED_HEADS)


@lru_cache(maxsize=1)
def _tail_re() -> re.Pattern[str]:
    return re.compile(rf"([{HAN}]{{0,6}}?)({alternation(_heads())})")


@lru_cache(maxsize=1)
def _np_re() -> re.Pattern[str]:
    openers = "|".join(map(re.escape, sorted({*_triggers(), *words("initiative_openers.txt")}, key=len, reverse=True)))
    return re.compile(rf"(?:{openers})[了好起]?([{HAN}0-9A-Za-z+·]{{2,16}}?)({_np_heads()})")


@lru_cache(maxsize=1)
def _coord_re() -> re.Pattern[str]:
    return re.compile(rf"[、和及与]([{HAN}0-9A-Za-z+·]{{2,16}}?)({_np_heads()})")


_NUMERIC_CORE = re.compile(r"^[0-9一二三四五六七八九十百千万两几多]+[个大项条类批]?$")


@lru_cache(maxsize=1)
def _head_set() -> tuple[frozenset[str], tuple[int, ...]]:
    """The head nouns, and their lengths longest first (for look-ups by slice)."""
    heads = frozenset(_heads())
    return heads, tuple(sorted({len(h) for h in heads}, reverse=True))


def head_at(text: str, pos: int) -> str:
    """The longest initiative head noun written at `pos` ("" when none)."""
    heads, lengths = _head_set()
    for n in lengths:
        if text[pos : pos + n] in heads and pos >= 0:
            return text[pos : pos + n]
    if pos < 0:  # str.startswith counts a negative position from the end
        return next((h for h in _heads() if text.startswith(h, pos)), "")
    return ""


def ends_with_head(name: str) -> str:
    """The longest head noun `name` ends with, when something comes before it ("" when none)."""
    heads, lengths = _head_set()
    for n in lengths:
        if len(name) > n and name[-n:] in heads:
            return name[-n:]
    return ""


def _triggered_before(text: str, pos: int, window: int = 8) -> bool:
    """A trigger verb in the same clause, at most `window` characters before `pos`."""
    lo = max(0, pos - window)
    seg = text[lo:pos]
    for ch in "，,。；;：:！？\n":
        cut = seg.rfind(ch)
        if cut >= 0:
            seg = seg[cut + 1 :]
    return bool(trigger_re().search(seg))


def _is_reject(name: str, head: str = "") -> bool:
    rej = _rejects()
    core = name[: len(name) - len(head)] if head and name.endswith(head) else name
    return name in rej or core in rej or len(core) < 2 or bool(_NUMERIC_CORE.match(core))


def _quoted(text: str) -> list[InitiativeHit]:
    quotes = list(_QUOTE.finditer(text))
    out: list[InitiativeHit] = []
    # group adjacent quotes into lists: “A”“B”、“C”等
    groups: list[list[re.Match[str]]] = []
    for q in quotes:
        if groups and _BETWEEN_LIST.fullmatch(text[groups[-1][-1].end() : q.start()]):
            groups[-1].append(q)
        else:
            groups.append([q])
    for group in groups:
        last = group[-1]
        after_list = last.end()
        list_head = ""
        if text.startswith("等", after_list):
            list_head = head_at(text, after_list + 1) or head_at(text, after_list + 3)
        triggered = _triggered_before(text, group[0].start()) or text[group[0].start() - 1 : group[0].start()] == "等"
        for q in group:
            hit = _one_quote(text, q, triggered, bool(list_head) or len(group) > 1 and triggered)
            if hit:
                out.append(hit)
    return out


def _tail_head(text: str, pos: int) -> str:
    """Words written right after a closing quote that end in a head noun (“某某”女职工关爱室 →
    女职工关爱室): at most 6 characters before the head, none a particle or a verb."""
    head = head_at(text, pos)
    if head:
        return head
    m = _tail_re().match(text, pos)
    if not m or any(c in _NP_BAD for c in m.group(1)) or trigger_re().search(m.group(1)):
        return ""
    return m.group(0)


def _one_quote(text: str, q: re.Match[str], triggered: bool, in_list: bool) -> InitiativeHit | None:
    inner = q.group(1).strip()
    if not inner or any(c in _SENTENCE_PUNCT for c in inner) or len(inner) > 28:
        return None
    if inner.count("，") + inner.count(",") > 1:
        return None
    head = _tail_head(text, q.end())
    gap = 0
    if not head and text.startswith("新", q.end()):
        head, gap = head_at(text, q.end() + 1), 1
    if head:
        if _is_reject(inner):
            return None
        name = inner + ("新" if gap else "") + head
        return InitiativeHit(q.start(), q.end() + gap + len(head), inner, name, "initiatives.quoted_head", triggered)
    if inner.endswith(_honour_titles()):
        return None
    if text.startswith("的", q.end()):
        m = _modifier_re().match(text, q.end() + 1)
        if not m or _is_reject(inner) or "，" in inner or "," in inner:
            return None
        return InitiativeHit(q.start(), q.end(), inner, inner, "initiatives.quoted_modifier", triggered)
    if _is_reject(inner):
        return None
    own = ends_with_head(inner)
    if own and not _is_reject(inner, own) and (triggered or in_list or (len(own) > 1 and len(inner) >= 4)):
        return InitiativeHit(q.start(), q.end(), inner, inner, "initiatives.quoted_named", triggered)
    if triggered or in_list:
        return InitiativeHit(q.start(), q.end(), inner, inner, "initiatives.quoted_trigger", triggered)
    return None


def _phrase(text: str, m: re.Match[str], taken: SpanSet) -> InitiativeHit | None:
    np, head = m.group(1), m.group(2)
    if any(c in _NP_BAD for c in np):
        return None
    start = m.start(1)
    cut = False
    for t in trigger_re().finditer(np):  # a verb inside the phrase: the object starts after it
        if len(np) - t.end() >= 2 and t.group(0) not in _NOUN_LIKE_TRIGGERS:
            start, cut = m.start(1) + t.end(), True
    q = _QUANTITY.match(text, start, m.start(2))
    start = q.end() if q else start
    core = text[start : m.start(2)]
    name = text[start : m.end()]
    if len(core) < (2 if cut else 3) or _NUMERIC_CORE.match(core) or _is_reject(name, head):
        return None
    if head in _generic_heads() and all_common(core):
        return None
    if taken.overlaps(start, m.end()) or name in _brand_surfaces():
        return None
    return InitiativeHit(start, m.end(), name, name, "initiatives.trigger_phrase", True)


@lru_cache(maxsize=1)
def _honour_titles() -> tuple[str, ...]:
    return tuple(words("initiative_honour_titles.txt"))


@lru_cache(maxsize=1)
def _generic_heads() -> frozenset[str]:
    return frozenset(words("initiative_generic_heads.txt"))


@lru_cache(maxsize=1)
def _brand_surfaces() -> frozenset[str]:
    return frozenset(w for r in load("initiative_brands.tsv") for w in (r[0], *alias_list(column(r, 1))))


def _noun_phrases(text: str, taken: SpanSet) -> list[InitiativeHit]:
    out: list[InitiativeHit] = []
    for m in _np_re().finditer(text):
        hit = _phrase(text, m, taken)
        if not hit:
            continue
        out.append(hit)
        pos = hit.end
        while (c := _coord_re().match(text, pos)) and (more := _phrase(text, c, taken)):
            out.append(more)
            pos = more.end
    return out


@lru_cache(maxsize=1)
def _event_re() -> re.Pattern[str]:
    heads = "|".join(map(re.escape, sorted(set(words("initiative_event_heads.txt")), key=len, reverse=True)))
    return re.compile(rf"第[0-9一二三四五六七八九十百]+届[^，,。；;：:、“”\"\s（）()]{{2,24}}(?:{heads})")


def _events(text: str, taken: SpanSet, places: list | None) -> list[InitiativeHit]:
    """Numbered events (第N届…大赛), with a region written directly before them."""
    out: list[InitiativeHit] = []
    index = HitIndex(places or [])
    for m in _event_re().finditer(text):
        start = index.chain_start(m.start(), lambda p: bool(p.code))
        if taken.overlaps(start, m.end()):
            continue
        name = text[start : m.end()]
        out.append(InitiativeHit(start, m.end(), name, name, "initiatives.event", _triggered_before(text, start)))
    return out


def find_initiatives(text: str, places: list | None = None) -> list[InitiativeHit]:
    """Initiatives in `text`: quoted, trigger + head-noun phrases, and brands, by position."""
    quoted = _quoted(text)
    phrases = _noun_phrases(text, SpanSet((h.start, h.end) for h in quoted))
    events = _events(text, SpanSet((h.start, h.end) for h in (*quoted, *phrases)), places)
    out = [*quoted, *phrases, *events]
    spans: dict[str, list[tuple[int, int]]] = {}
    for x in out:
        spans.setdefault(x.name, []).append((x.start, x.end))
    named: dict[str, SpanSet] = {}  # built for the names a brand hit has (most articles have none)
    for h in _brands().longest(text):
        if h.value in spans:
            if h.value not in named:
                named[h.value] = SpanSet(spans[h.value])
            if named[h.value].contains(h.start, h.end):
                continue  # a hit of the same name holds it
        out.append(
            InitiativeHit(h.start, h.end, h.word, h.value, "initiatives.brand", _triggered_before(text, h.start))
        )
    return sorted(out, key=lambda h: (h.start, h.end))


def unify_initiatives(hits: list[InitiativeHit]) -> list[InitiativeHit]:
    """One canonical name per quoted name within an article: every mention of “X” takes the name
    of its first mention that carries a head noun (“X”机制 … “X”平台 → X机制)."""
    canonical: dict[str, str] = {}
    for h in hits:
        if h.rule.startswith("initiatives.quoted") and h.name != h.text:
            canonical.setdefault(h.text, h.name)
    return [
        replace(h, name=canonical[h.text])
        if h.text in canonical and canonical[h.text] != h.name and h.rule.startswith("initiatives.quoted")
        else h
        for h in hits
    ]
