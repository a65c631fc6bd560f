// q06: which union body guides which.
MATCH (a:UnionBody)-[:GUIDES]->(b:UnionBody)
RETURN DISTINCT a.name AS guide, b.name AS guided
ORDER BY guide, guided
