-- params: ["DAILY","2026-11-20","EMEA"]
SELECT "global_sales"."region" AS "region" FROM (SELECT "region" FROM "global_sales" WHERE "load_type" = $1 AND "load_id" = CAST($2 AS DATE) AND "region" IN ($3)) AS "global_sales" GROUP BY "global_sales"."region" ORDER BY "global_sales"."region" ASC NULLS LAST LIMIT 51
