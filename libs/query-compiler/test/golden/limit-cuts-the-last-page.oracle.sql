-- params: []
SELECT "customers"."country" AS "country" FROM (SELECT "country", "segment", "customer_id" FROM "customers") "customers" ORDER BY "customers"."segment" ASC NULLS LAST, "customers"."customer_id" ASC NULLS LAST OFFSET 40 ROWS FETCH NEXT 5 ROWS ONLY
