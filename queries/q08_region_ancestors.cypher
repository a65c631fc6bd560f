// q08: the ancestors of a region up to the province, nearest first. Example region: 民乐县.
MATCH (r:Region {name: '民乐县'})-[:LOCATED_IN*1..6]->(a:Region)
RETURN DISTINCT r.name AS region, a.name AS ancestor, a.level AS level
ORDER BY CASE level WHEN 'town' THEN 0 WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'province' THEN 3 ELSE 4 END,
         ancestor
