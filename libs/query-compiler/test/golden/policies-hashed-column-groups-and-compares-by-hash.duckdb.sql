-- params: ["[secret]","not-a-hash"]
SELECT "customers"."country" AS "country", COUNT(*) AS "customers" FROM (SELECT CASE WHEN "country" IS NULL THEN NULL ELSE SHA256($1 || CAST("country" AS VARCHAR)) END AS "country" FROM "customers") AS "customers" WHERE "customers"."country" <> $2 GROUP BY "customers"."country"
