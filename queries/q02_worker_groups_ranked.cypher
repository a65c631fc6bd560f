// q02: worker groups ranked by the number of distinct initiatives serving them.
MATCH (i:Initiative)-[:SERVES]->(g:WorkerGroup)
RETURN g.name AS `group`, count(DISTINCT i) AS n
ORDER BY n DESC, `group`
