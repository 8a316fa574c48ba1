// Writes dist/query.schema.json from the built schema so outside clients get the same rules as the API.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { queryJsonSchema } = require('../dist/index.js');

writeFileSync(
  join(__dirname, '..', 'dist', 'query.schema.json'),
  JSON.stringify(queryJsonSchema(), null, 2) + '\n',
);
