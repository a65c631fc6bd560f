// q03: union bodies that partner with a government body
// (an Organization whose name ends with 局/厅/委/部/政府/办/院 or contains 人社/司法).
MATCH (b:UnionBody)-[:PARTNERS_WITH]-(o:Organization)
WHERE o.name ENDS WITH '局' OR o.name ENDS WITH '厅' OR o.name ENDS WITH '委' OR o.name ENDS WITH '部'
   OR o.name ENDS WITH '政府' OR o.name ENDS WITH '办' OR o.name ENDS WITH '院'
   OR o.name CONTAINS '人社' OR o.name CONTAINS '司法'
RETURN DISTINCT b.name AS body, o.name AS organization
ORDER BY body, organization
