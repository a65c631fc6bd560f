// q07: persons, their role and the union body or organization where they hold it.
MATCH (p:Person)-[r:HAS_ROLE]->(o)
RETURN DISTINCT p.name AS person, r.role AS role, o.name AS org
ORDER BY person, org, role
