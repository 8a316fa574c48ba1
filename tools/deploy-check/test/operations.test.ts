import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_ARGS, REPO_ROOT, parseObjects, renderChart } from '../src/helm';

const SERVICES = ['gateway', 'metadata', 'query', 'export'] as const;
const GUIDE = readFileSync(join(REPO_ROOT, 'docs', 'OPERATIONS.md'), 'utf8');

/** Name → default of the rows `| `NAME` | `default` | … |` of the table under the heading starting with `title`. */
function documentedVariables(title: string): Map<string, string> {
  const start = GUIDE.indexOf(`\n### ${title}`);
  if (start < 0) throw new Error(`docs/OPERATIONS.md has no section "### ${title}"`);
  const end = GUIDE.indexOf('\n#', start + 1);
  const section = GUIDE.slice(start, end < 0 ? undefined : end);
  const cells = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  return new Map(cells.map(([, name = '', value = '']) => [name.replaceAll('`', ''), value]));
}

/** A default as the guide writes it: in backticks, paths under the repository as <repo>, none as —. */
function asDocumented(value: unknown): string {
  if (value === undefined) return '—';
  const text = Array.isArray(value)
    ? value.join(',')
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
  return `\`${text.replaceAll(REPO_ROOT, '<repo>')}\``;
}

interface ServiceConfig {
  readonly keys: string[];
  readonly defaults: Record<string, unknown>;
}

/**
 * A service's config schema: its keys and what each parses an unset variable to. Read from the built service
 * (npm test builds first) in a plain Node process, since the services' decorated modules are not Jest's to load.
 */
const configs = new Map<string, ServiceConfig>();
function serviceConfig(service: string): ServiceConfig {
  const cached = configs.get(service);
  if (cached) return cached;
  const module = join(REPO_ROOT, 'services', service, 'dist', 'config.js');
  // A required variable (no default) has no entry in `defaults`: the table shows "—" for it.
  const script = `const schema = require(${JSON.stringify(module)}).${service}ConfigSchema;
    const defaults = Object.fromEntries(Object.entries(schema.shape).flatMap(([key, field]) => {
      const parsed = field.safeParse(undefined);
      return parsed.success ? [[key, parsed.data]] : [];
    }));
    process.stdout.write(JSON.stringify({ keys: Object.keys(schema.shape), defaults }));`;
  const config = JSON.parse(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }),
  ) as ServiceConfig;
  configs.set(service, config);
  return config;
}

describe('docs/OPERATIONS.md configuration reference', () => {
  it.each(SERVICES)('lists exactly the variables of the %s config schema, with their defaults', (service) => {
    const { keys, defaults } = serviceConfig(service);
    const expected = new Map(keys.map((key) => [key, asDocumented(defaults[key])]));
    expect(Object.fromEntries(documentedVariables(`\`${service}\``))).toEqual(Object.fromEntries(expected));
  });

  it('documents every variable the Helm chart sets, as a service setting or a library one', () => {
    const known = new Set(documentedVariables('Read by libraries').keys());
    for (const service of SERVICES) for (const key of serviceConfig(service).keys) known.add(key);
    for (const args of [[], PRODUCTION_ARGS]) {
      const objects = parseObjects(renderChart(args));
      const set = [
        ...objects
          .filter((o) => o.kind === 'ConfigMap' && SERVICES.some((s) => o.metadata.name === `aurora-${s}`))
          .flatMap((o) => Object.keys(o['data'] as Record<string, string>)),
        ...objects
          .filter((o) => o.kind === 'Deployment')
          .flatMap((o) =>
            (
              o['spec'] as { template: { spec: { containers: { env?: { name: string }[] }[] } } }
            ).template.spec.containers
              .flatMap((c) => c.env ?? [])
              .map((e) => e.name),
          ),
      ];
      // The bundled MinIO's, NATS's and PostgreSQL's own variables (the NATS passwords: docs/OPERATIONS.md, "NATS
      // permissions"), and DATABASE_PASSWORD, which only the kubelet reads, to put it into DATABASE_URL.
      const bundled = (name: string): boolean =>
        ['MINIO_', 'AURORA_NATS_', 'POSTGRES_'].some((prefix) => name.startsWith(prefix)) ||
        ['HOME', 'PGDATA', 'DATABASE_PASSWORD'].includes(name);
      expect(set.filter((name) => !known.has(name) && !bundled(name))).toEqual([]);
    }
  });
});
