-- params: [2,"DAILY","2026-11-20","EMEA",2,100]
SELECT "global_sales"."region" AS "region", ("global_sales"."amount" * :1) AS "doubled" FROM (SELECT "region", "amount" FROM "global_sales" WHERE "load_type" = :2 AND "load_id" = TO_DATE(:3, 'YYYY-MM-DD') AND "region" IN (:4) AND ("amount" * :5) > :6) "global_sales"
