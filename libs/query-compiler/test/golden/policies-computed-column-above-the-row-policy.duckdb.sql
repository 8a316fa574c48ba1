-- params: [2,"DAILY","2026-11-20","EMEA",2,100]
SELECT "global_sales"."region" AS "region", (TRY("global_sales"."amount" * CAST($1 AS INTEGER))) AS "doubled" FROM (SELECT "region", "amount" FROM "global_sales" WHERE "load_type" = $2 AND "load_id" = CAST($3 AS DATE) AND "region" IN ($4) AND (TRY("amount" * CAST($5 AS INTEGER))) > $6) AS "global_sales"
