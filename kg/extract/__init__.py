"""Extraction stage: one article in, mentions and relation candidates (with evidence) out.

Pure and per article (no cross-article state), so it maps onto worker processes. Matching runs on
`article.body.norm` (width-folded, Traditional→Simplified, same length as the body text); mention
offsets index the cleaned body, evidence offsets the original document.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from kg.extract.context import main_union, resolve_orgs, resolve_unions
from kg.extract.declared import declared_relations, find_declared
from kg.extract.groups import find_groups
from kg.extract.index import SpanSet
from kg.extract.initiatives import find_initiatives, unify_initiatives
from kg.extract.orgs import find_orgs
from kg.extract.persons import _title_chain_before, find_persons
from kg.extract.regions import find_places
from kg.extract.relations import (
    CONFIDENCE,
    Actor,
    Found,
    Sentences,
    guides,
    has_role,
    located_in,
    partners,
    runs,
    serves,
)
from kg.extract.sentences import paragraphs, sentences
from kg.extract.triggers import (
    directive_openers,
    facility_heads,
    has_trigger,
    means_words,
    provider_cues,
    serve_cues,
    user_modals,
)
from kg.extract.unions import find_unions
from kg.model import Article, Candidate, EntityType, Evidence, Extraction, Mention

T = EntityType

__all__ = ["extract"]


def _match_text(article: Article) -> str:
    norm, text = article.body.norm, article.body.text
    return norm if norm and len(norm) == len(text) else text


def extract(article: Article) -> Extraction:
    """Mentions and relation candidates of one article; never raises on any body text."""
    text = _match_text(article)
    if not text.strip():
        return Extraction(article.doc_id, article.index, (), ())
    headline = article.headline or ""
    places = find_places(text, headline)
    head_places = find_places(headline) if headline else []
    init_hits = find_initiatives(text, places)
    quoted = SpanSet((i.start, i.end) for i in init_hits if i.rule.startswith("initiatives.quoted"))
    raw_unions = [u for u in find_unions(text, places) if not quoted.contains(u.start, u.end)]
    head_unions = [u for u in find_unions(headline, head_places)] if headline else []
    main_name = main_union(raw_unions, head_unions)
    raw_orgs = find_orgs(text, places)
    companies = [o for o in raw_orgs if o.kind == "company" and o.rule == "orgs.suffix"]
    unions = resolve_unions(raw_unions, places, main_name, head_unions, companies)
    if not main_name:
        main_name = main_union(unions, [])
    orgs = resolve_orgs(raw_orgs, places, unions, main_name)
    org_spans = {(o.start, o.end) for o in orgs}
    init_hits = unify_initiatives([i for i in init_hits if (i.start, i.end) not in org_spans])
    groups = find_groups(text)
    persons = find_persons(text)

    sents = Sentences(sentences(text))
    starts = sents.starts

    def sent_of(pos: int) -> tuple[int, int]:
        k = max(bisect_right(starts, pos) - 1, 0)
        return sents[k] if sents else (0, len(text))

    in_unions = SpanSet((u.start, u.end) for u in unions)
    actors = sorted(
        [Actor(u.start, u.end, T.UNION_BODY, u.name) for u in unions]
        + [Actor(o.start, o.end, T.ORGANIZATION, o.name) for o in orgs if not _inside_union(o.start, o.end, in_unions)],
        key=lambda a: (a.start, a.end),
    )
    main = _headline_org(headline, head_places, head_unions) or _main_actor(main_name, unions, orgs)
    found: list[Found] = []
    found += runs(text, sents, init_hits, actors, main, lambda s: has_trigger(text, s), means_words())
    main_init = _main_initiative(init_hits, headline)
    found += serves(
        text,
        sents,
        paragraphs(text),
        init_hits,
        groups,
        serve_cues(),
        main_init,
        provider_cues(),
        user_modals(),
        lambda s: has_trigger(text, s),
        directive_openers(),
        facility_heads(),
    )
    found += located_in(sent_of, unions, orgs, places)
    found += partners(text, sents, actors, main)
    found += guides(text, sents, actors, main)
    found += has_role(text, sent_of, persons, actors, lambda pos: _title_chain_before(text, pos))

    mentions = _mentions(article, places, unions, orgs, init_hits, groups, persons)
    declared = find_declared(text, article.body.text)  # types and predicates the schema declares as data
    if declared:
        mentions = tuple(sorted((*mentions, *declared), key=lambda m: (m.start, m.end, m.type, m.name)))
    found += declared_relations(text, sents, list(mentions))
    candidates = _candidates(article, found)
    return Extraction(article.doc_id, article.index, mentions, candidates)


def _main_initiative(inits: list, headline: str):  # noqa: ANN001, ANN202
    """The initiative the article is about: one named in the headline, else None."""
    folded = headline.replace("“", "").replace("”", "")
    for i in inits:
        if i.text and i.text in folded:
            return i
    return None


def _inside_union(s: int, e: int, unions: SpanSet) -> bool:
    """A union other than [s, e) itself holds [s, e): one starting before s or ending after e."""
    return unions.contains(s, e + 1) or unions.contains(s - 1, e)


def _headline_org(headline: str, head_places: list, head_unions: list) -> Actor | None:  # noqa: ANN001
    """An organisation that opens the headline ("某某公司深化…") is the article's main actor,
    unless a union is named before it."""
    orgs = [o for o in find_orgs(headline, head_places) if o.name and o.kind == "company"]
    if not orgs:
        return None
    first = orgs[0]
    if any(u.name and u.start <= first.start for u in head_unions) or first.start > 2:
        return None
    return Actor(-1, -1, T.ORGANIZATION, first.name)


def _main_actor(main_name: str, unions: list, orgs: list) -> Actor | None:
    if main_name:
        return Actor(-1, -1, T.UNION_BODY, main_name)
    names = [o.name for o in orgs]
    if not names:
        return None
    counts = Counter(names)
    first: dict[str, int] = {}
    for k, n in enumerate(names):
        first.setdefault(n, k)
    best = max(sorted(counts), key=lambda n: (counts[n], -first[n]))
    return Actor(-1, -1, T.ORGANIZATION, best)


def _mentions(article: Article, places, unions, orgs, inits, groups, persons) -> tuple[Mention, ...]:  # noqa: ANN001
    body = article.body.text
    out: list[Mention] = []
    for p in places:
        attrs = (("code", p.code), ("level", p.level)) if p.code else (("level", p.level),)
        if p.parent_name:
            attrs = (*attrs, ("parent", p.parent_name))
        out.append(
            Mention(
                T.REGION,
                body[p.start : p.end],
                p.start,
                p.end,
                p.name,
                "regions.table" if p.code else "regions.subcounty",
                attrs,
            )
        )
    for u in unions:
        attrs = (("level", u.level),) if u.level else ()
        out.append(Mention(T.UNION_BODY, body[u.start : u.end], u.start, u.end, u.name, u.rule, attrs))
    for o in orgs:
        out.append(Mention(T.ORGANIZATION, body[o.start : o.end], o.start, o.end, o.name, o.rule, (("kind", o.kind),)))
    for i in inits:
        out.append(Mention(T.INITIATIVE, _bare(body, i), i.start, i.end, i.name, i.rule))
    for g in groups:
        attrs = (("broader", g.broader),) if g.broader else ()
        out.append(Mention(T.WORKER_GROUP, body[g.start : g.end], g.start, g.end, g.name, "groups.taxonomy", attrs))
    for p in persons:
        out.append(Mention(T.PERSON, body[p.start : p.end], p.start, p.end, p.name, p.rule))
    out.sort(key=lambda m: (m.start, m.end, m.type, m.name))  # EntityType is a StrEnum: orders as its value
    return tuple(out)


def _bare(body: str, i) -> str:  # noqa: ANN001
    """The initiative as written without quotes and head noun (its alias), from the body text."""
    seg = body[i.start : i.end]
    if seg[:1] in '“「『"' and len(i.text) <= len(seg):
        return body[i.start + 1 : i.start + 1 + len(i.text)]
    return seg


def _candidates(article: Article, found: list[Found]) -> tuple[Candidate, ...]:
    body = article.body
    seen: set[tuple] = set()
    out: list[Candidate] = []
    quotes: dict[tuple[int, int], tuple[int, int, str]] = {}  # sentence span → original span and quote
    for f in found:
        if f.subject == f.object and f.subject_type == f.object_type:
            continue
        key = (f.subject_type, f.subject, f.predicate, f.object_type, f.object, f.span, f.attrs)
        if key in seen:
            continue
        seen.add(key)
        quote = quotes.get(f.span)
        if quote is None:
            s, e = f.span
            quote = quotes[f.span] = (*body.span_to_orig(s, e), body.text[s:e])
        ev = Evidence(article.doc_id, article.index, *quote, f.rule, CONFIDENCE.get(f.rule, 0.5))
        out.append(Candidate(f.subject_type, f.subject, f.predicate, f.object_type, f.object, ev, f.attrs))
    return tuple(out)
