import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/helm';

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
}

const DIR = join(REPO_ROOT, 'k8s', 'dashboards');
const METRICS_DOC = join(REPO_ROOT, 'docs', 'METRICS.md');
const dashboards = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => [file, JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Dashboard] as const);

/** Metric names in a PromQL expression; a histogram's series (_bucket, _count, _sum) count as the histogram. */
function metricNames(expr: string): string[] {
  const names = expr.match(/\b(?:aurora|nodejs|process)_[a-z0-9_]+/g) ?? [];
  return names.map((name) => name.replace(/_(bucket|count|sum)$/, ''));
}

describe('Grafana dashboards (k8s/dashboards)', () => {
  it('are the overview, queries and exports dashboards', () => {
    expect(dashboards.map(([, d]) => d.uid).sort()).toEqual([
      'aurora-exports',
      'aurora-overview',
      'aurora-queries',
    ]);
  });

  it.each(dashboards)(
    '%s has unique panel ids, a data source variable and a query in every panel',
    (_file, d) => {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(d.templating.list).toContainEqual(
        expect.objectContaining({ name: 'datasource', type: 'datasource' }),
      );
      for (const panel of d.panels.filter((p) => p.type !== 'row')) {
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const { expr } of panel.targets ?? []) {
          expect([panel.title, metricNames(expr).length > 0]).toEqual([panel.title, true]);
          // Balanced brackets catch most broken hand edits of PromQL.
          for (const [open, close] of ['()', '{}', '[]']) {
            expect([expr, expr.split(open ?? '').length]).toEqual([expr, expr.split(close ?? '').length]);
          }
        }
      }
    },
  );

  it('query only metrics that docs/METRICS.md lists as exported by the services', () => {
    const documented = new Set(
      readFileSync(METRICS_DOC, 'utf8')
        .match(/`[a-z_:][a-z0-9_:]*`/g)
        ?.map((m) => m.slice(1, -1)),
    );
    const used = dashboards.flatMap(([, d]) =>
      d.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))),
    );
    expect(used.length).toBeGreaterThan(20);
    expect([...new Set(used)].filter((name) => !documented.has(name))).toEqual([]);
  });
});
