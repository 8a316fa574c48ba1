-- params: ["DAILY","2026-11-20","","","EMEA","APAC","","F"]
SELECT "global_sales"."sale_id" AS "sale_id" FROM (SELECT "sale_id" FROM "global_sales" WHERE "load_type" = $1 AND "load_id" = CAST($2 AS DATE) AND "comment" <> $3 AND "region" IN ($4, $5, $6) AND "region" BETWEEN $7 AND $8) AS "global_sales"
