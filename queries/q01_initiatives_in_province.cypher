// q01: initiatives and the bodies running them, for bodies located (transitively) within one province.
// Example province: 甘肃省. Columns: initiative, body. Runs unchanged on LadybugDB and Neo4j 5.
MATCH (p:Region {name: '甘肃省'})
MATCH (b)-[:LOCATED_IN*1..6]->(p)
MATCH (b)-[:RUNS]->(i:Initiative)
RETURN DISTINCT i.name AS initiative, b.name AS body
ORDER BY initiative, body
