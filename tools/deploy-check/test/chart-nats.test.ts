import { NATS_USERS, passwordVariable, renderNatsAuthorization } from '@aurora/nats-access';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTION_ARGS, REPO_ROOT, parseObjects, renderChart, type K8sObject } from '../src/helm';
import { NATS_AUTHORIZATION } from '../src/render-k8s';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

const containerEnv = (objects: K8sObject[], deployment: string): EnvVar[] =>
  (
    find(objects, 'Deployment', deployment)['spec'] as {
      template: { spec: { containers: { env?: EnvVar[] }[] } };
    }
  ).template.spec.containers[0]?.env ?? [];

/** The Secret of k8s/dev-secrets.yaml that a dev cluster installs beside the chart. */
function devSecret(name: string): Record<string, string> {
  const secrets = parseObjects(readFileSync(join(REPO_ROOT, 'k8s', 'dev-secrets.yaml'), 'utf8'));
  return find(secrets, 'Secret', name)['stringData'] as Record<string, string>;
}

/** A container's environment as the kubelet builds it: Secret references read, $(VAR) references expanded. */
function resolveEnv(
  env: readonly EnvVar[],
  secrets: Record<string, Record<string, string>>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    const ref = variable.valueFrom?.secretKeyRef;
    resolved[variable.name] = ref
      ? (secrets[ref.name]?.[ref.key] ?? '')
      : (variable.value ?? '').replace(/\$\((\w+)\)/g, (_, name: string) => resolved[name] ?? '');
  }
  return resolved;
}

describe('the bundled NATS of a dev install', () => {
  const objects = parseObjects(renderChart());
  const config =
    (find(objects, 'ConfigMap', 'aurora-nats')['data'] as Record<string, string>)['nats.conf'] ?? '';
  const natsEnv = containerEnv(objects, 'aurora-nats');

  it("has the users and permissions of @aurora/nats-access, Aurora's one source of them", () => {
    // After a change of the permissions: npm run k8s:render -w @aurora/deploy-check
    expect(readFileSync(NATS_AUTHORIZATION, 'utf8')).toBe(renderNatsAuthorization());
    expect(config).toContain(renderNatsAuthorization());
  });

  it("starts with the dev Secret's passwords: nats-server accepts the configuration and the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), 'aurora-chart-nats-'));
    try {
      const file = join(dir, 'nats.conf');
      writeFileSync(file, config.replace('"/data"', JSON.stringify(dir)));
      const env = resolveEnv(natsEnv, { 'aurora-nats': devSecret('aurora-nats') });
      const check = spawnSync('nats-server', ['-c', file, '-t'], {
        env: { PATH: process.env['PATH'], ...env },
      });
      expect(`${check.stdout.toString()}${check.stderr.toString()}`).toContain('is valid');
      expect(env[passwordVariable('gateway')]).toBe(
        JSON.stringify(devSecret('aurora-nats')['gatewayPassword']),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['aurora-gateway', 'gateway'],
    ['aurora-export', 'export-worker'],
  ] as const)('gives %s the password its own NATS user has there', (deployment, component) => {
    const password = containerEnv(objects, deployment).find((e) => e.name === 'NATS_PASSWORD');
    const serverSide = natsEnv.find((e) => e.name === `${passwordVariable(component)}_PLAIN`);
    expect(password?.valueFrom?.secretKeyRef).toEqual(serverSide?.valueFrom?.secretKeyRef);
    // …the password of the user it connects as (its NATS_USER defaults to it).
    expect(config).toContain(
      `user: "${NATS_USERS[component]}"\n      password: $${passwordVariable(component)}\n`,
    );
  });

  it('is not installed without a Secret for its users', () => {
    expect(() => renderChart(['--set', 'nats.existingSecret='])).toThrow(/nats.existingSecret is required/);
  });
});

describe('an external NATS', () => {
  it("gets the services' passwords from nats.existingSecret, and no credentials when there is none", () => {
    const production = parseObjects(renderChart(PRODUCTION_ARGS));
    expect(production.filter((o) => o.metadata.name === 'aurora-nats')).toEqual([]);
    for (const deployment of ['aurora-gateway', 'aurora-export']) {
      const password = containerEnv(production, deployment).find((e) => e.name === 'NATS_PASSWORD');
      expect(password?.valueFrom?.secretKeyRef?.name).toBe('aurora-nats');
    }
    const open = parseObjects(renderChart([...PRODUCTION_ARGS, '--set', 'nats.existingSecret=']));
    expect(containerEnv(open, 'aurora-gateway').map((e) => e.name)).not.toContain('NATS_PASSWORD');
  });
});
