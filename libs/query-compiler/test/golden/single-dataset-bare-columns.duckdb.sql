-- params: []
SELECT "employee_roster"."name" AS "name", "employee_roster"."department" AS "department" FROM (SELECT "name", "department" FROM "employee_roster") AS "employee_roster"
