// q10: number of distinct initiatives run by bodies located (transitively) within each province.
// Columns: province, n.
MATCH (p:Region {level: 'province'})
MATCH (b)-[:LOCATED_IN*1..6]->(p)
MATCH (b)-[:RUNS]->(i:Initiative)
RETURN p.name AS province, count(DISTINCT i) AS n
ORDER BY n DESC, province
