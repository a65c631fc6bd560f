"""Extraction stage: one article in, mentions and relation candidates (with evidence) out.

Pure and per article (no cross-article state), so it maps onto worker processes. It runs the
registered components of PIPELINE in order over one ArticleState (kg.extract.state; each component
declares what it reads and assigns, kg.extract.registry), then attaches evidence. Matching runs on
`article.body.norm` (width-folded, Traditional→Simplified, same length as the body text); mention
offsets index the cleaned body, evidence offsets the original document.
"""

from __future__ import annotations

from kg.extract import components, declared  # noqa: F401 - they register their components
from kg.extract.registry import DEFAULT_CONFIDENCE, check_pipeline, confidences
from kg.extract.state import ArticleState, Found
from kg.model import Article, Candidate, Evidence, Extraction

__all__ = ["PIPELINE", "extract"]

PIPELINE = (
    "places", "initiatives", "unions", "orgs", "bodies", "initiatives.unify", "groups", "persons",
    "structure", "actors",
    "runs", "serves", "located_in", "partners_with", "guides", "has_role",
    "mentions", "declared.names", "declared.facts",
)
"""The components extraction runs, in order: finders, the article's bodies, relation rules, mentions."""

_STEPS = check_pipeline(PIPELINE)
_CONFIDENCE = confidences(_STEPS)


def _match_text(article: Article) -> str:
    norm, text = article.body.norm, article.body.text
    return norm if norm and len(norm) == len(text) else text


def extract(article: Article) -> Extraction:
    """Mentions and relation candidates of one article; never raises on any body text."""
    text = _match_text(article)
    if not text.strip():
        return Extraction(article.doc_id, article.index, (), ())
    doc = ArticleState(article, text, article.body.text, article.headline or "")
    for step in _STEPS:
        step.run(doc)
    return Extraction(article.doc_id, article.index, doc.mentions, _candidates(article, doc.found))


def _candidates(article: Article, found: list[Found]) -> tuple[Candidate, ...]:
    """One candidate per distinct fact and sentence, its evidence quoting the sentence as written."""
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
        ev = Evidence(article.doc_id, article.index, *quote, f.rule, _CONFIDENCE.get(f.rule, DEFAULT_CONFIDENCE))
        out.append(Candidate(f.subject_type, f.subject, f.predicate, f.object_type, f.object, ev, f.attrs))
    return tuple(out)
