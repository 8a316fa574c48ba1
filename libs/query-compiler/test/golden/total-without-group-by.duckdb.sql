-- params: ["MONTHLY","2026-10-31"]
SELECT MAX("global_sales"."sale_id") AS "last_sale", MIN("global_sales"."sold_at") AS "first_sold" FROM (SELECT "sale_id", "sold_at" FROM "global_sales" WHERE "load_type" = $1 AND "load_id" = CAST($2 AS DATE)) AS "global_sales"
