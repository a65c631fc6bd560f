"""The built-in extraction components: finders of mentions, the resolution of an article's bodies, and
the relation rules, each registered with what it reads and assigns, what it produces, the confidence of
its rules and the lexicon files it reads. `kg.extract.PIPELINE` puts them in order."""

from __future__ import annotations

from collections import Counter

from kg.extract.context import main_union, resolve_orgs, resolve_unions
from kg.extract.groups import find_groups
from kg.extract.index import SpanSet
from kg.extract.initiatives import InitiativeHit, find_initiatives, unify_initiatives
from kg.extract.orgs import find_orgs
from kg.extract.persons import find_persons
from kg.extract.regions import Place, find_places
from kg.extract.registry import component
from kg.extract.relations import guides, has_role, located_in, partners, runs, serves
from kg.extract.sentences import paragraphs, sentences
from kg.extract.state import Actor, ArticleState, Sentences
from kg.extract.unions import UnionHit, find_unions
from kg.model import EntityType, Mention, Predicate

T = EntityType
P = Predicate

_REGION_FILES = ("regions_short_forms.tsv", "place_rejects.tsv", "subcounty_suffixes.tsv", "subcounty_rejects.txt")
_INITIATIVE_FILES = ("initiative_brands.tsv", "initiative_heads.txt", "initiative_generic_heads.txt",
                     "initiative_event_heads.txt", "initiative_honour_titles.txt", "initiative_openers.txt",
                     "initiative_rejects.txt", "initiative_triggers.txt")
_UNION_FILES = ("union_suffixes.tsv", "union_abbreviations.tsv", "union_abbrev_blockers.txt", "union_generic.txt",
                "union_stop_infixes.txt")
_PERSON_FILES = ("person_titles.txt", "person_speech_verbs.txt", "person_byline_markers.txt",
                 "person_not_names.txt", "surnames.txt")


@component("places", reads=("text", "headline"), assigns=("places", "head_places"), produces=(T.REGION,),
           lexicons=_REGION_FILES)
def _places(doc: ArticleState) -> None:
    doc.places = find_places(doc.text, doc.headline)
    doc.head_places = find_places(doc.headline) if doc.headline else []


@component("initiatives", reads=("text", "places"), assigns=("initiatives", "quoted"), produces=(T.INITIATIVE,),
           lexicons=_INITIATIVE_FILES)
def _initiatives(doc: ArticleState) -> None:
    doc.initiatives = find_initiatives(doc.text, doc.places)
    doc.quoted = SpanSet((i.start, i.end) for i in doc.initiatives if i.rule.startswith("initiatives.quoted"))


@component("unions", reads=("text", "headline", "places", "head_places", "quoted"),
           assigns=("raw_unions", "head_unions", "main_name"), produces=(T.UNION_BODY,), lexicons=_UNION_FILES)
def _unions(doc: ArticleState) -> None:
    doc.raw_unions = [u for u in find_unions(doc.text, doc.places) if not doc.quoted.contains(u.start, u.end)]
    doc.head_unions = find_unions(doc.headline, doc.head_places) if doc.headline else []
    doc.main_name = main_union(doc.raw_unions, doc.head_unions)


@component("orgs", reads=("text", "places"), assigns=("raw_orgs",), produces=(T.ORGANIZATION,),
           lexicons=("org_suffixes.tsv", "org_names.tsv"))
def _orgs(doc: ArticleState) -> None:
    doc.raw_orgs = find_orgs(doc.text, doc.places)


@component("bodies", reads=("raw_unions", "raw_orgs", "places", "main_name", "head_unions"),
           assigns=("unions", "orgs", "main_name"), lexicons=("union_abbreviations.tsv",))
def _bodies(doc: ArticleState) -> None:
    """Abbreviations and short forms resolved to the article's bodies; the main union."""
    companies = [o for o in doc.raw_orgs if o.kind == "company" and o.rule == "orgs.suffix"]
    doc.unions = resolve_unions(doc.raw_unions, doc.places, doc.main_name, doc.head_unions, companies)
    if not doc.main_name:
        doc.main_name = main_union(doc.unions, [])
    doc.orgs = resolve_orgs(doc.raw_orgs, doc.places, doc.unions, doc.main_name)


@component("initiatives.unify", reads=("initiatives", "orgs"), assigns=("initiatives",))
def _unify(doc: ArticleState) -> None:
    """An initiative that is an organisation's name is not one; the rest unified (one name per thing)."""
    org_spans = {(o.start, o.end) for o in doc.orgs}
    doc.initiatives = unify_initiatives([i for i in doc.initiatives if (i.start, i.end) not in org_spans])


@component("groups", reads=("text",), assigns=("groups",), produces=(T.WORKER_GROUP,),
           lexicons=("worker_groups.tsv",))
def _groups(doc: ArticleState) -> None:
    doc.groups = find_groups(doc.text)


@component("persons", reads=("text",), assigns=("persons",), produces=(T.PERSON,), lexicons=_PERSON_FILES)
def _persons(doc: ArticleState) -> None:
    doc.persons = find_persons(doc.text)


@component("structure", reads=("text",), assigns=("sentences", "paragraphs"))
def _structure(doc: ArticleState) -> None:
    doc.sentences = Sentences(sentences(doc.text))
    doc.paragraphs = paragraphs(doc.text)


@component("actors", reads=("unions", "orgs", "headline", "head_places", "head_unions", "main_name", "initiatives"),
           assigns=("actors", "main", "main_initiative"))
def _actors(doc: ArticleState) -> None:
    """The bodies that can be a subject, the article's main actor and its main initiative."""
    in_unions = SpanSet((u.start, u.end) for u in doc.unions)
    doc.actors = sorted(
        [Actor(u.start, u.end, T.UNION_BODY, u.name) for u in doc.unions]
        + [Actor(o.start, o.end, T.ORGANIZATION, o.name) for o in doc.orgs
           if not _inside_union(o.start, o.end, in_unions)],
        key=lambda a: (a.start, a.end),
    )
    doc.main = (_headline_org(doc.headline, doc.head_places, doc.head_unions)
                or _main_actor(doc.main_name, doc.orgs))
    doc.main_initiative = _main_initiative(doc.initiatives, doc.headline)


def _main_initiative(inits: list[InitiativeHit], headline: str) -> InitiativeHit | None:
    """The initiative the article is about: one named in the headline, else None."""
    folded = headline.replace("“", "").replace("”", "")
    return next((i for i in inits if i.text and i.text in folded), None)


def _inside_union(s: int, e: int, unions: SpanSet) -> bool:
    """A union other than [s, e) itself holds [s, e): one starting before s or ending after e."""
    return unions.contains(s, e + 1) or unions.contains(s - 1, e)


def _headline_org(headline: str, head_places: list[Place], head_unions: list[UnionHit]) -> Actor | None:
    """An organisation that opens the headline ("某某公司深化…") is the article's main actor,
    unless a union is named before it."""
    orgs = [o for o in find_orgs(headline, head_places) if o.name and o.kind == "company"]
    if not orgs:
        return None
    first = orgs[0]
    if any(u.name and u.start <= first.start for u in head_unions) or first.start > 2:
        return None
    return Actor(-1, -1, T.ORGANIZATION, first.name)


def _main_actor(main_name: str, orgs: list) -> Actor | None:  # noqa: ANN001 - OrgHit list
    """The main union, else the organisation named most often (the first of equals)."""
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


_RULE_READS = ("text", "sentences", "actors", "main")


@component("runs", reads=(*_RULE_READS, "initiatives"), assigns=("found",), produces=(P.RUNS,),
           confidence={"runs.agent": 0.9, "runs.main_body": 0.75, "runs.main_body_untriggered": 0.6},
           lexicons=("initiative_triggers.txt", "means_words.txt"))
def _runs(doc: ArticleState) -> None:
    doc.found += runs(doc)


@component("serves", reads=("text", "sentences", "paragraphs", "initiatives", "groups", "main_initiative"),
           assigns=("found",), produces=(P.SERVES,),
           confidence={"serves.name": 0.85, "serves.listed": 0.8, "serves.sentence": 0.75, "serves.topic": 0.55,
                       "serves.user": 0.6, "serves.next": 0.55},
           lexicons=("serve_triggers.txt", "serve_cue_blockers.txt", "provider_groups.tsv", "serve_user_modals.txt",
                     "directive_openers.txt", "group_facility_heads.txt", "initiative_triggers.txt"))
def _serves(doc: ArticleState) -> None:
    doc.found += serves(doc)


@component("located_in", reads=("sentences", "unions", "orgs", "places"), assigns=("found",),
           produces=(P.LOCATED_IN,), confidence={"located_in.name": 0.95, "located_in.adjacent": 0.9})
def _located_in(doc: ArticleState) -> None:
    doc.found += located_in(doc)


@component("partners_with", reads=_RULE_READS, assigns=("found",), produces=(P.PARTNERS_WITH,),
           confidence={"partners_with.joint": 0.8})
def _partners(doc: ArticleState) -> None:
    doc.found += partners(doc)


@component("guides", reads=_RULE_READS, assigns=("found",), produces=(P.GUIDES,),
           confidence={"guides.under_guidance": 0.85, "guides.verb": 0.8})
def _guides(doc: ArticleState) -> None:
    doc.found += guides(doc)


@component("has_role", reads=("text", "sentences", "persons", "actors"), assigns=("found",), produces=(P.HAS_ROLE,),
           confidence={"has_role.title": 0.85}, lexicons=("person_titles.txt",))
def _has_role(doc: ArticleState) -> None:
    doc.found += has_role(doc)


@component("mentions", reads=("body", "places", "unions", "orgs", "initiatives", "groups", "persons"),
           assigns=("mentions",))
def _mentions(doc: ArticleState) -> None:
    """Every hit of the finders as a Mention (surface form from the body as written), in text order."""
    body = doc.body
    out: list[Mention] = []
    for p in doc.places:
        attrs = (("code", p.code), ("level", p.level)) if p.code else (("level", p.level),)
        if p.parent_name:
            attrs = (*attrs, ("parent", p.parent_name))
        out.append(Mention(T.REGION, body[p.start:p.end], p.start, p.end, p.name,
                           "regions.table" if p.code else "regions.subcounty", attrs))
    for u in doc.unions:
        attrs = (("level", u.level),) if u.level else ()
        out.append(Mention(T.UNION_BODY, body[u.start:u.end], u.start, u.end, u.name, u.rule, attrs))
    for o in doc.orgs:
        out.append(Mention(T.ORGANIZATION, body[o.start:o.end], o.start, o.end, o.name, o.rule, (("kind", o.kind),)))
    for i in doc.initiatives:
        out.append(Mention(T.INITIATIVE, _bare(body, i), i.start, i.end, i.name, i.rule))
    for g in doc.groups:
        attrs = (("broader", g.broader),) if g.broader else ()
        out.append(Mention(T.WORKER_GROUP, body[g.start:g.end], g.start, g.end, g.name, "groups.taxonomy", attrs))
    for p in doc.persons:
        out.append(Mention(T.PERSON, body[p.start:p.end], p.start, p.end, p.name, p.rule))
    out.sort(key=lambda m: (m.start, m.end, m.type, m.name))  # EntityType is a StrEnum: orders as its value
    doc.mentions = tuple(out)


def _bare(body: str, i: InitiativeHit) -> str:
    """The initiative as written without quotes and head noun (its alias), from the body text."""
    seg = body[i.start:i.end]
    if seg[:1] in '“「『"' and len(i.text) <= len(seg):
        return body[i.start + 1:i.start + 1 + len(i.text)]
    return seg
