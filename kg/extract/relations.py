"""Relation rules over an article's state: runs, serves, located_in, partners_with, guides, has_role, each
reading the sentences, hits and lexicon cues it needs (kg.extract.components registers them)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from kg.extract.groups import GroupHit
from kg.extract.initiatives import InitiativeHit
from kg.extract.persons import title_chain_before
from kg.extract.state import Actor, ArticleState, Found, Sentences, Span, disjoint
from kg.extract.triggers import (
    directive_openers,
    facility_heads,
    means_words,
    provider_cues,
    serve_cues,
    user_modals,
)
from kg.extract.triggers import has_trigger as trigger_in
from kg.model import EntityType, Predicate

T = EntityType
P = Predicate

_PARTNER_BEFORE = ("联合", "会同", "携手", "协同", "联手", "与", "同", "和", "及", "、")
_GUIDE = re.compile(
    r"在([^，,。；;]{2,40}?)(?:的)?(?:精心|大力|有力|悉心|具体)?指导(?:[和与及、](?:帮助|支持|推动|关心))?下"
)
_GUIDE_VERB = re.compile(r"指导(?:成立|建立|组建|推动|帮助|支持)?")
_JOINT_AFTER = ("联合", "合作", "共建", "携手", "共同", "举行", "签署", "签订", "联办", "联手", "协作", "会商", "召开")


def _inside(a: int, b: int, span: Span) -> bool:
    return span[0] <= a and b <= span[1]


class _Located(Protocol):
    start: int
    end: int


L = TypeVar("L", bound=_Located)


def _per_sentence(items: Sequence[L], sents: Sequence[Span]) -> list[list[L]]:
    """For each sentence, `[x for x in items if _inside(x.start, x.end, sent)]`: in one pass (a
    non-empty item lies in at most one of disjoint sentences), so each sentence costs only its items."""
    known = isinstance(sents, Sentences)
    if not (sents.disjoint if known else disjoint(sents)):
        return [[x for x in items if _inside(x.start, x.end, s)] for s in sents]
    out: list[list[L]] = [[] for _ in sents]
    starts = sents.starts if known else [s for s, _ in sents]
    for x in items:
        if x.start < x.end:
            k = bisect_right(starts, x.start) - 1
            if k >= 0 and x.end <= sents[k][1]:
                out[k].append(x)
        else:  # an empty item may sit on the border of two sentences
            for k, s in enumerate(sents):
                if _inside(x.start, x.end, s):
                    out[k].append(x)
    return out


def _paragraph_of(sents: Sequence[Span], paras: Sequence[Span]) -> dict[Span, Span]:
    """Each sentence's paragraph: the first one holding the sentence start (else the sentence itself)."""
    if not disjoint(paras):
        return {s: next((p for p in paras if p[0] <= s[0] < p[1]), s) for s in sents}
    starts = [p[0] for p in paras]
    out: dict[Span, Span] = {}
    for s in sents:
        k = bisect_right(starts, s[0]) - 1
        out[s] = paras[k] if k >= 0 and s[0] < paras[k][1] else s
    return out


def _outermost(in_sent: list[InitiativeHit]) -> list[InitiativeHit]:
    """The sentence's initiatives, leaving out one written inside a longer one (工会驿站 in 智能化工会驿站)."""
    return [i for i in in_sent if not any(j is not i and _inside(i.start, i.end, (j.start, j.end)) for j in in_sent)]


def _is_partner_object(text: str, a: Actor, sent: Span, guided: list[Span]) -> bool:
    """`guided`: the sentence's 在…指导下 spans (_guided_spans)."""
    pre = text[max(sent[0], a.start - 3) : a.start]
    return pre.endswith(_PARTNER_BEFORE[:5]) or any(s <= a.start and a.end <= e for s, e in guided)


def _is_subject(text: str, a: Actor, sent: Span) -> bool:
    """An organisation opening its sentence or clause (not 在…/由… or an object)."""
    return a.start == sent[0] or text[a.start - 1] in "，,；;：:。\n”"


def _guided_spans(text: str, sent: Span) -> list[Span]:
    """The guide parts (X in 在X指导下) of a sentence."""
    return [m.span(1) for m in _GUIDE.finditer(text, sent[0], sent[1])]


def _clause_start(text: str, pos: int, sent: Span) -> int:
    for k in range(pos - 1, sent[0] - 1, -1):
        if text[k] in "，,；;：:。！？!?\n":
            return k + 1
    return sent[0]


def _used_resource(
    text: str, i: InitiativeHit, sent: Span, means: re.Pattern[str], has_trigger: Callable[[Span], bool]
) -> bool:
    """A means word (依托/利用/通过 …) precedes an unquoted initiative (a generic facility, 职工书屋) in its
    clause with no runs verb in between; a quoted brand after it is still the actor's own."""
    if i.rule.startswith("initiatives.quoted"):
        return False
    last = None
    for m in means.finditer(text, _clause_start(text, i.start, sent), i.start):
        last = m
    return last is not None and not has_trigger((last.end(), i.start))


def runs(doc: ArticleState) -> list[Found]:
    """Each initiative is run by the sentence's agent (first body before it that is not a partner
    or guide; in "X指导Y…" the guided Y), else by the article's main body when a runs verb introduces
    it or its name is a quoted brand (an unquoted facility named without a verb, 司机之家, is nobody's);
    none for a resource the actor uses (依托/利用/通过 X)."""
    text, sents, inits, actors, main = doc.text, doc.sentences, doc.initiatives, doc.actors, doc.main
    means = means_words()

    def has_trigger(span: Span) -> bool:
        return trigger_in(text, span)

    out: list[Found] = []
    inits_in, actors_in = _per_sentence(inits, sents), _per_sentence(actors, sents)
    for sent, in_sent, acts in zip(sents, inits_in, actors_in, strict=True):
        if not in_sent:
            continue
        triggered = has_trigger(sent)
        guided = _guided_spans(text, sent) if acts else []
        for i in in_sent:
            if means is not None and _used_resource(text, i, sent, means, has_trigger):
                continue
            before = [a for a in acts if a.end <= i.start and not _is_partner_object(text, a, sent, guided)]
            unions = [a for a in before if a.type == T.UNION_BODY]
            led = [a for k, a in enumerate(unions) if k + 1 < len(unions) and _GUIDE_VERB.match(text, a.end)]
            agents = [a for a in unions if a not in led] or [a for a in before if _is_subject(text, a, sent)]
            if agents:
                a = agents[0]
                out.append(Found(a.type, a.name, P.RUNS, T.INITIATIVE, i.name, sent, "runs.agent"))
            elif main is not None and (i.trigger or triggered):
                out.append(Found(main.type, main.name, P.RUNS, T.INITIATIVE, i.name, sent, "runs.main_body"))
            elif main is not None and i.rule.startswith("initiatives.quoted"):
                out.append(
                    Found(main.type, main.name, P.RUNS, T.INITIATIVE, i.name, sent, "runs.main_body_untriggered")
                )
    return out


_MODIFIER_GAP = 10  # "新就业形态劳动者建会入会工作“某某”新模式": a group describing the initiative
_CLAUSE_PUNCT = "，,；;：:。！？!?\n"
_LIST_SEP = "、，,和及与"


def _serve_cued(text: str, g: GroupHit, sent: Span, cues: re.Pattern[str]) -> bool:
    """A serve cue word is written before the group in its clause."""
    lo = sent[0]
    for k in range(g.start - 1, sent[0] - 1, -1):
        if text[k] in _CLAUSE_PUNCT:
            lo = k + 1
            break
    return any(m.lastgroup != "block" for m in cues.finditer(text, lo, g.start))


def _listed_before(text: str, g: GroupHit, in_sent: list[InitiativeHit]) -> list[InitiativeHit]:
    """ "<initiative>、<initiative>等<group><noun>": the initiatives enumerated right before 等 are
    kinds of a thing for the group (工会驿站、司机之家等新就业形态劳动者服务站点)."""
    if g.start < 1 or text[g.start - 1] != "等":
        return []
    by_end = {i.end: i for i in in_sent}
    out: list[InitiativeHit] = []
    cur = by_end.get(g.start - 1)
    while cur is not None:
        out.append(cur)
        k = cur.start - 1
        cur = by_end.get(k) if k >= 0 and text[k] in _LIST_SEP else None
    return out


def _quoted_title(text: str, g: GroupHit, sent: Span) -> bool:
    """The group is part of a longer quoted title that is no initiative ("优秀骑手"称号, “…高技能人才”)."""
    lo = text.rfind("“", sent[0], g.start)
    if lo < 0 or "”" in text[lo : g.start]:
        return False
    hi = text.find("”", g.end, sent[1])
    return hi >= 0 and (lo + 1, hi) != (g.start, g.end)


def _partner_object(text: str, i: InitiativeHit) -> bool:
    """ "与<initiative>共建/联动": the initiative is the partner's, not the one the sentence is about."""
    return i.start > 0 and text[i.start - 1] in "与同"


def _is_user(text: str, g: GroupHit, sent: Span, modals: re.Pattern[str]) -> bool:
    """The group opens its clause and is followed by a "can use" modal (骑手可…, 司机凭工牌即可…):
    the group is the one the topic initiative is for."""
    opens = g.start == sent[0] or text[g.start - 1] in _CLAUSE_PUNCT
    return opens and modals.match(text, g.end, sent[1]) is not None


def serves(doc: ArticleState) -> list[Found]:
    """Initiative → worker group: the group is in the initiative's name or written right before it,
    or follows an enumeration of initiatives ending in 等; or a serve cue (为/针对/关爱 …) precedes the
    group in its clause, linking it to the sentence's initiatives, else to the paragraph's topic (its
    first initiative, or the article's main one; not from a directive 要/必须… sentence), else to the
    next sentence's initiatives (not for a group inside a quoted title, or naming a facility: 骑手驿站);
    a group that opens its clause with "can use" (可/能/凭 …) is linked to the topic and to the
    initiatives named later in its clause (骑手可在工会驿站休息)."""
    text, sents, paras, inits, groups = doc.text, doc.sentences, doc.paragraphs, doc.initiatives, doc.groups
    cues, main, providers, modals = serve_cues(), doc.main_initiative, provider_cues(), user_modals()
    directive, facilities = directive_openers(), facility_heads()

    def has_verb(span: Span) -> bool:
        return trigger_in(text, span)

    out: list[Found] = []
    topic: InitiativeHit | None = None
    pending: list[GroupHit] = []
    para_of = _paragraph_of(sents, paras)
    last_para: Span | None = None
    inits_in, groups_in = _per_sentence(inits, sents), _per_sentence(groups, sents)

    def link(items: list[InitiativeHit], g: GroupHit, sent: Span, rule: str) -> None:
        out.extend(Found(T.INITIATIVE, i.name, P.SERVES, T.WORKER_GROUP, g.name, sent, rule) for i in items)

    for k, sent in enumerate(sents):
        if para_of[sent] != last_para:
            topic, last_para, pending = None, para_of[sent], []
        in_sent = _outermost(inits_in[k])
        if in_sent and pending:
            for g in pending:
                link(in_sent[:1], g, sent, "serves.next")
            pending = []
        fallback = topic or main
        for g in groups_in[k]:
            strong = providers.get(g.name)
            if strong is not None:
                if _serve_cued(text, g, sent, strong) and in_sent:
                    link(in_sent, g, sent, "serves.sentence")
                continue
            user = modals is not None and _is_user(text, g, sent, modals)
            near = [
                i
                for i in in_sent
                if i.start <= g.start
                and g.end <= i.end
                or not user
                and 0 <= i.start - g.end <= _MODIFIER_GAP
                and not any(c in _CLAUSE_PUNCT + "、" for c in text[g.end : i.start])
                and not (has_verb is not None and has_verb((g.end, min(g.end + 2, i.start))))
            ]
            link(near, g, sent, "serves.name")
            listed = [i for i in _listed_before(text, g, in_sent) if i not in near]
            link(listed, g, sent, "serves.listed")
            if near or listed:
                continue
            if user:
                opener = [i for i in in_sent if i.start - sent[0] <= 1 and i.end <= g.start]
                used = [i for i in in_sent if i.start >= g.end and _clause_start(text, i.start, sent) <= g.start]
                target = opener[:1] or ([fallback] if fallback else [])
                link(target + [i for i in used if i not in target], g, sent, "serves.user")
                if target:
                    continue
            if not _serve_cued(text, g, sent, cues) or _quoted_title(text, g, sent):
                continue
            if facilities is not None and facilities.match(text, g.end, sent[1]):
                continue
            own = [i for i in in_sent if not _partner_object(text, i)] or in_sent
            before = [i for i in own if i.end <= g.start]
            nearest = own if len(own) <= 2 else before[-1:] or own[:1]
            if nearest:
                link(nearest, g, sent, "serves.sentence")
            elif fallback is not None and not (directive and directive.match(text, sent[0], sent[1])):
                link([fallback], g, sent, "serves.topic")
            else:
                pending.append(g)
        if in_sent and topic is None:
            topic = in_sent[0]
        if main is not None and any(i.name == main.name for i in in_sent):
            topic = main
    return out


def located_in(doc: ArticleState) -> list[Found]:
    """Bodies are located in the region their name starts with; sub-county places in the region
    written just before them."""
    sent_of, unions, orgs, places = doc.sentence_of, doc.unions, doc.orgs, doc.places
    out: list[Found] = []
    for u in unions:
        if u.place is not None and u.name:
            out.append(
                Found(T.UNION_BODY, u.name, P.LOCATED_IN, T.REGION, u.place.name, sent_of(u.start), "located_in.name")
            )
    for o in orgs:
        if o.place is not None and o.name:
            out.append(
                Found(T.ORGANIZATION, o.name, P.LOCATED_IN, T.REGION, o.place.name, sent_of(o.start), "located_in.name")
            )
    for p in places:
        if p.parent_name:
            out.append(
                Found(T.REGION, p.name, P.LOCATED_IN, T.REGION, p.parent_name, sent_of(p.start), "located_in.adjacent")
            )
    return out


def partners(doc: ArticleState) -> list[Found]:
    """X与Y联合/合作/共建…, and (subject) 联合/会同/携手 Y: UnionBody partners_with the other body."""
    text, sents, actors, main = doc.text, doc.sentences, doc.actors, doc.main
    out: list[Found] = []
    for sent, acts in zip(sents, _per_sentence(actors, sents), strict=True):
        for k, a in enumerate(acts):
            pre = text[max(sent[0], a.start - 2) : a.start]
            if pre.endswith(("联合", "会同", "携手", "协同", "联手")):
                subj = next(
                    (b for b in acts[:k] if not text[max(sent[0], b.start - 2) : b.start].endswith(("联合", "会同"))),
                    None,
                )
                subj = subj or main
                if subj is not None and subj.name != a.name:
                    out.append(_partner(subj, a, sent))
            elif pre.endswith("与") and k > 0:
                j = a.end
                while j < sent[1] and text[j] in "、和及" and any(b.start == j + 1 for b in acts):
                    j = next(b.end for b in acts if b.start == j + 1)
                if text.startswith(_JOINT_AFTER, j):
                    subj = acts[k - 1]
                    if subj.end + 1 == a.start and subj.name != a.name:
                        out.append(_partner(subj, a, sent))
                        for b in acts[k + 1 :]:
                            if b.end <= j:
                                out.append(_partner(subj, b, sent))
    return out


def _partner(a: Actor, b: Actor, sent: Span) -> Found:
    if a.type != T.UNION_BODY and b.type == T.UNION_BODY:
        a, b = b, a
    return Found(a.type, a.name, P.PARTNERS_WITH, b.type, b.name, sent, "partners_with.joint")


def guides(doc: ArticleState) -> list[Found]:
    """在X(、Y)指导下 … Z: X and Y guide Z (the next union, else the main body); X指导(成立) Z."""
    text, sents, actors, main = doc.text, doc.sentences, doc.actors, doc.main
    out: list[Found] = []
    unions_in = _per_sentence([a for a in actors if a.type == T.UNION_BODY], sents)
    for sent, unions in zip(sents, unions_in, strict=True):
        if not unions:
            continue
        for m in _GUIDE.finditer(text, sent[0], sent[1]):
            guides_ = [a for a in unions if m.start(1) <= a.start and a.end <= m.end(1)]
            others = [a for a in unions if a.start >= m.end()]
            subject = [
                a for a in unions if a.end <= m.start() and not any(c in "，,；;" for c in text[a.end : m.start()])
            ]
            target = subject[-1] if subject else others[0] if others else main
            for g in guides_:
                if target is not None and target.type == T.UNION_BODY and target.name != g.name:
                    out.append(
                        Found(T.UNION_BODY, g.name, P.GUIDES, T.UNION_BODY, target.name, sent, "guides.under_guidance")
                    )
        for k, a in enumerate(unions):
            v = _GUIDE_VERB.match(text, a.end)
            if v and k + 1 < len(unions) and unions[k + 1].start - v.end() <= 2 and unions[k + 1].name != a.name:
                b = unions[k + 1]
                out.append(Found(T.UNION_BODY, a.name, P.GUIDES, T.UNION_BODY, b.name, sent, "guides.verb"))
    return out


_ROLE_GAP = 8
_ROLE_PUNCT = set('，,。；;：:、！？!?“”"()（）\n ')


def _body_before(text: str, ends: dict[int, list[Actor]], lo: int, end: int) -> Actor | None:
    """The union or organisation written just before a title chain (a department name such as
    权益保障部 may sit in between): its end lies in [lo - gap, end) with no punctuation after it;
    the latest such end, and the first actor (in `actors` order) ending there. `ends`: the actors
    by their end, so only the few positions in reach are looked at."""
    for pos in range(min(end - 1, lo + 4), lo - _ROLE_GAP - 1, -1):
        at = ends.get(pos)
        if at and not any(c in _ROLE_PUNCT for c in text[pos : max(pos, lo)]):
            return at[0]
    return None


def has_role(doc: ArticleState) -> list[Found]:
    """ "<body>[department]<title>、<title><name>", repeatable: "<body1><title1>、<body2><title2><name>"."""
    text, sent_of, persons, actors = doc.text, doc.sentence_of, doc.persons, doc.actors

    def titles_before(pos: int) -> int:
        return title_chain_before(text, pos)

    out: list[Found] = []
    ends: dict[int, list[Actor]] = {}
    for a in actors:
        ends.setdefault(a.end, []).append(a)
    for p in persons:
        lo, end = p.title_start, p.start
        if lo == end:
            continue
        while True:
            body = _body_before(text, ends, lo, end)
            if body is None:
                break
            role = text[body.end : end]
            out.append(
                Found(
                    T.PERSON,
                    p.name,
                    P.HAS_ROLE,
                    body.type,
                    body.name,
                    sent_of(p.start),
                    "has_role.title",
                    (("role", role),),
                )
            )
            if body.start == 0 or text[body.start - 1] not in "、，,":
                break
            end = body.start - 1
            lo = titles_before(end)
            if lo == end:
                break
    return out
