// q04: every fact (predicate, other end) about one union body, with its evidence quotes.
// Example body: 兰州市总工会; if the graph has no such body, the most connected UnionBody.
// predicate is the relationship type (RUNS, SERVES, …), read from the `predicate` property because
// Neo4j spells type(r) what LadybugDB spells label(r). Columns: body, predicate, other, quote.
MATCH (b:UnionBody)
OPTIONAL MATCH (b)-[f:RUNS|SERVES|LOCATED_IN|PARTNERS_WITH|GUIDES|HAS_ROLE]-()
WITH b, count(f) AS degree, CASE WHEN b.name = '兰州市总工会' THEN 0 ELSE 1 END AS preferred
ORDER BY preferred, degree DESC, b.name
LIMIT 1
MATCH (b)-[r:RUNS|SERVES|LOCATED_IN|PARTNERS_WITH|GUIDES|HAS_ROLE]-(o)
UNWIND r.quotes AS quote
RETURN DISTINCT b.name AS body, toUpper(r.predicate) AS predicate, o.name AS other, quote
ORDER BY predicate, other, quote
