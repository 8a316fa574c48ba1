-- params: ["Hardware",10]
SELECT "products"."product_id" AS "product_id" FROM (SELECT "product_id" FROM "products" WHERE NOT (TRUE OR FALSE OR ("category" = $1 AND NOT ("list_price" < $2 OR "list_price" IS NULL)))) AS "products"
