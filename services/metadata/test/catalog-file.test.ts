import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCatalogFile } from '../src/catalog-file';

/** The catalog file's grants and policies are checked when the service starts: a mistake stops it, named. */
const DEMO = readFileSync(join(__dirname, '../catalog/demo.yaml'), 'utf8');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aurora-catalog-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(yaml: string) {
  const path = join(dir, 'catalog.yaml');
  writeFileSync(path, yaml);
  return () => readCatalogFile(path);
}

describe('the catalog file: grants, row and column policies', () => {
  it('reads the demo catalog', () => {
    const sales = read(DEMO)().datasets.find((d) => d.id === 'global_sales');
    expect(sales?.grants).toContainEqual({ groups: ['sales-emea'], actions: ['view'] });
    expect(sales?.rowPolicies).toEqual([{ groups: ['sales-emea'], column: 'region', in: 'claims.regions' }]);
  });

  it.each([
    ['a dataset without grants', DEMO.replace(/ {4}grants:\n( {6}- .*\n)+/, ''), /grants/],
    ['an unknown action', DEMO.replace('actions: [view, export] }', 'actions: [view, delete] }'), /actions/],
    [
      'a row policy on a column the dataset does not have',
      DEMO.replace('column: region, in: claims.regions', 'column: nowhere, in: claims.regions'),
      /global_sales has a row policy on nowhere/,
    ],
    [
      'a row policy not naming a claim',
      DEMO.replace('in: claims.regions', 'in: "\'EMEA\' OR 1=1"'),
      /must be claims\.<claim name>/,
    ],
    [
      'a masked key column',
      DEMO.replace('column: email, mode: masked', 'column: employee_id, mode: masked'),
      /cannot mask its key or partition column employee_id/,
    ],
    ['an unknown masking mode', DEMO.replace('mode: masked', 'mode: scrambled'), /mode/],
  ])('refuses %s', (_what, yaml, message) => {
    expect(yaml).not.toBe(DEMO);
    expect(read(yaml)).toThrow(message);
  });
});
