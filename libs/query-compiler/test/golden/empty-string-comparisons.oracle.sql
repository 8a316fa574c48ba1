-- params: ["DAILY","2026-11-20","EMEA","APAC","F"]
SELECT "global_sales"."sale_id" AS "sale_id" FROM (SELECT "sale_id" FROM "global_sales" WHERE "load_type" = :1 AND "load_id" = TO_DATE(:2, 'YYYY-MM-DD') AND "comment" = "comment" AND "region" IN (:3, :4) AND "region" <= :5) "global_sales"
