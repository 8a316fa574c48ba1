import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTION_ARGS, REPO_ROOT, parseObjects, renderChart, type K8sObject } from '../src/helm';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface Container {
  readonly env?: EnvVar[];
  readonly readinessProbe?: { readonly exec?: { readonly command: string[] } };
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

const container = (objects: K8sObject[], deployment: string): Container =>
  (find(objects, 'Deployment', deployment)['spec'] as { template: { spec: { containers: Container[] } } })
    .template.spec.containers[0] ?? {};

/** k8s/dev-secrets.yaml's Secrets, as the kubelet reads them: name → key → value. */
const devSecrets = (): Record<string, Record<string, string>> =>
  Object.fromEntries(
    parseObjects(readFileSync(join(REPO_ROOT, 'k8s', 'dev-secrets.yaml'), 'utf8')).map((s) => [
      s.metadata.name,
      s['stringData'] as Record<string, string>,
    ]),
  );

/** A container's environment as the kubelet builds it: Secret references read, $(VAR) references expanded. */
function resolveEnv(env: readonly EnvVar[]): Record<string, string> {
  const secrets = devSecrets();
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    const ref = variable.valueFrom?.secretKeyRef;
    resolved[variable.name] = ref
      ? (secrets[ref.name]?.[ref.key] ?? '')
      : (variable.value ?? '').replace(/\$\((\w+)\)/g, (_, name: string) => resolved[name] ?? '');
  }
  return resolved;
}

/** initdb and postgres refuse to run as root: as root (a CI container), they run as the postgres user. */
const AS_ROOT = process.getuid?.() === 0;
const asServer = (command: string, args: string[]): ReturnType<typeof spawnSync> =>
  AS_ROOT ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args]) : spawnSync(command, args);
const mustRun = (command: string, args: string[]): void => {
  const { status, stderr } = asServer(command, args);
  if (status !== 0) throw new Error(`${command} failed: ${String(stderr)}`);
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the bundled PostgreSQL of a dev install', () => {
  const objects = parseObjects(renderChart());
  const postgres = resolveEnv(container(objects, 'aurora-postgresql').env ?? []);
  const metadata = resolveEnv(container(objects, 'aurora-metadata').env ?? []);

  it("gives metadata a DATABASE_URL of its Service, user, database and the dev Secret's password", () => {
    const url = new URL(metadata['DATABASE_URL'] ?? '');
    expect(find(objects, 'Service', url.hostname)['spec']).toEqual(
      expect.objectContaining({ ports: [expect.objectContaining({ port: Number(url.port) })] }),
    );
    expect([url.protocol, url.username, url.password, url.pathname]).toEqual([
      'postgres:',
      postgres['POSTGRES_USER'],
      postgres['POSTGRES_PASSWORD'],
      `/${postgres['POSTGRES_DB']}`,
    ]);
    expect(postgres['POSTGRES_PASSWORD']).toBe(devSecrets()['aurora-postgresql']?.['password']);
  });

  it('sizes the pool from database.poolMax', () => {
    const env = find(objects, 'ConfigMap', 'aurora-metadata')['data'] as Record<string, string>;
    expect(env['DATABASE_POOL_MAX']).toBe('10');
    const larger = parseObjects(renderChart(['--set', 'database.poolMax=25']));
    expect(find(larger, 'ConfigMap', 'aurora-metadata')['data'] as Record<string, string>).toEqual(
      expect.objectContaining({ DATABASE_POOL_MAX: '25' }),
    );
  });

  it('accepts the DATABASE_URL and answers its readiness probe when initialised as the image does', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'aurora-chart-postgresql-'));
    const data = join(dir, 'data');
    const user = postgres['POSTGRES_USER'] ?? '';
    try {
      writeFileSync(join(dir, 'password'), postgres['POSTGRES_PASSWORD'] ?? '');
      if (AS_ROOT) chmodSync(dir, 0o777);
      // The image's entrypoint: initdb as POSTGRES_USER, scram-sha-256 over TCP, then POSTGRES_DB.
      mustRun('initdb', [
        '-D',
        data,
        '-U',
        user,
        `--pwfile=${join(dir, 'password')}`,
        '--auth-host=scram-sha-256',
      ]);
      mustRun('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir}`, 'start']);
      mustRun('psql', [
        '-h',
        dir,
        '-p',
        `${port}`,
        '-U',
        user,
        '-d',
        'postgres',
        '-c',
        `CREATE DATABASE ${postgres['POSTGRES_DB']}`,
      ]);

      const probe = container(objects, 'aurora-postgresql').readinessProbe?.exec?.command ?? [];
      const [command = '', ...args] = probe.map((arg) => (arg === '5432' ? `${port}` : arg));
      expect(spawnSync(command, args).status).toBe(0);

      const url = new URL(metadata['DATABASE_URL'] ?? '');
      url.hostname = '127.0.0.1';
      url.port = `${port}`;
      const who = execFileSync('psql', [url.href, '-Atc', 'SELECT current_user, current_database()'], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] },
      });
      expect(who.trim()).toBe(`${user}|${postgres['POSTGRES_DB']}`);
    } finally {
      asServer('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not installed without a Secret for its password', () => {
    expect(() => renderChart(['--set', 'database.passwordSecret.name='])).toThrow(
      /database.passwordSecret.name is required/,
    );
  });
});

describe('an external PostgreSQL', () => {
  const databaseEnv = (args: string[]): EnvVar[] =>
    (container(parseObjects(renderChart(args)), 'aurora-metadata').env ?? []).filter((e) =>
      e.name.startsWith('DATABASE_'),
    );

  it('takes the whole DATABASE_URL from database.existingSecret (values-production.yaml)', () => {
    const production = parseObjects(renderChart(PRODUCTION_ARGS));
    expect(production.filter((o) => o.metadata.name === 'aurora-postgresql')).toEqual([]);
    expect(databaseEnv(PRODUCTION_ARGS)).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'aurora-database', key: 'url' } } },
    ]);
  });

  it('or builds it from database.host, port, name and user with the password of database.passwordSecret', () => {
    const args = ['postgresql.enabled=false', 'database.host=pg.db.example.com', 'database.port=6432'];
    expect(databaseEnv(args.flatMap((value) => ['--set', value]))).toEqual([
      {
        name: 'DATABASE_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'aurora-postgresql', key: 'password' } },
      },
      { name: 'DATABASE_URL', value: 'postgres://aurora:$(DATABASE_PASSWORD)@pg.db.example.com:6432/aurora' },
    ]);
  });

  it('needs a host or a Secret with the URL when the bundled PostgreSQL is off', () => {
    expect(() => renderChart(['--set', 'postgresql.enabled=false'])).toThrow(/database.host is required/);
    expect(() => renderChart(['--set', 'database.poolMax=0'])).toThrow(/poolMax/);
    expect(() => renderChart(['--set', 'database.host=pg.example.com/evil'])).toThrow(/host/);
  });
});
