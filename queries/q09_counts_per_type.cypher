// q09: number of entities per type (types with no entity are left out).
MATCH (n:UnionBody) WITH count(n) AS c WHERE c > 0 RETURN 'UnionBody' AS type, c AS n
UNION ALL
MATCH (n:Initiative) WITH count(n) AS c WHERE c > 0 RETURN 'Initiative' AS type, c AS n
UNION ALL
MATCH (n:WorkerGroup) WITH count(n) AS c WHERE c > 0 RETURN 'WorkerGroup' AS type, c AS n
UNION ALL
MATCH (n:Region) WITH count(n) AS c WHERE c > 0 RETURN 'Region' AS type, c AS n
UNION ALL
MATCH (n:Organization) WITH count(n) AS c WHERE c > 0 RETURN 'Organization' AS type, c AS n
UNION ALL
MATCH (n:Person) WITH count(n) AS c WHERE c > 0 RETURN 'Person' AS type, c AS n
