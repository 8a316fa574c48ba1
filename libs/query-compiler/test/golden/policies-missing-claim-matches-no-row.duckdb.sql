-- params: ["DAILY","2026-11-20"]
SELECT COUNT(*) AS "rows" FROM (SELECT "sale_id" FROM "global_sales" WHERE "load_type" = $1 AND "load_id" = CAST($2 AS DATE) AND FALSE) AS "global_sales"
