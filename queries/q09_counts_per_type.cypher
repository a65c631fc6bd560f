// q09: number of entities per type (every node label but Article; types with no entity are left out).
// labels(n) is a list in Neo4j and a string in LadybugDB: the CASE gives the one label as a string on both.
MATCH (n)
WITH CASE WHEN size(labels(n)) = 1 THEN labels(n)[0] ELSE labels(n) END AS type
WHERE type <> 'Article'
RETURN type, count(*) AS n
ORDER BY type
