// q09: number of entities per type (every node label but Article; types with no entity are left out).
MATCH (n)
WHERE label(n) <> 'Article'
RETURN label(n) AS type, count(n) AS n
ORDER BY type
