-- params: ["[secret]","not-a-hash"]
SELECT "customers"."country" AS "country", COUNT(*) AS "customers" FROM (SELECT CASE WHEN "country" IS NULL THEN NULL ELSE LOWER(RAWTOHEX(STANDARD_HASH(:1 || "country", 'SHA256'))) END AS "country" FROM "customers") "customers" WHERE "customers"."country" <> :2 GROUP BY "customers"."country"
