-- params: ["DAILY","2026-11-20"]
SELECT "global_sales"."region" AS "region" FROM (SELECT "region", "sale_id" FROM "global_sales" WHERE "load_type" = :1 AND "load_id" = TO_DATE(:2, 'YYYY-MM-DD')) "global_sales" ORDER BY "global_sales"."sale_id" ASC NULLS LAST OFFSET 40 ROWS FETCH NEXT 20 ROWS ONLY
