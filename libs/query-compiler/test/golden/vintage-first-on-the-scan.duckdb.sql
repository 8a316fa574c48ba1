-- params: ["DAILY","2026-11-20",100]
SELECT "global_sales"."region" AS "region", "global_sales"."amount" AS "amount" FROM (SELECT "region", "amount" FROM "global_sales" WHERE "load_type" = $1 AND "load_id" = CAST($2 AS DATE) AND "amount" > $3) AS "global_sales"
