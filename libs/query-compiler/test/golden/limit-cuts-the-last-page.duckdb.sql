-- params: []
SELECT "customers"."country" AS "country" FROM (SELECT "country", "segment", "customer_id" FROM "customers") AS "customers" ORDER BY "customers"."segment" ASC NULLS LAST, "customers"."customer_id" ASC NULLS LAST LIMIT 5 OFFSET 40
