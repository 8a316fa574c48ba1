-- params: ["DAILY","2026-11-20"]
SELECT COUNT(*) AS "rows" FROM (SELECT "sale_id" FROM "global_sales" WHERE "load_type" = :1 AND "load_id" = TO_DATE(:2, 'YYYY-MM-DD') AND 1 = 0) "global_sales"
