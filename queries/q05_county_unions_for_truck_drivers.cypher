// q05: county-level union bodies (located in a Region of level "county") running an initiative that serves 货车司机.
MATCH (b:UnionBody)-[:LOCATED_IN]->(:Region {level: 'county'})
MATCH (b)-[:RUNS]->(i:Initiative)-[:SERVES]->(:WorkerGroup {name: '货车司机'})
RETURN DISTINCT b.name AS body, i.name AS initiative
ORDER BY body, initiative
