import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, parseObjects } from '../src/helm';
import { validateObject } from '../src/k8s-validate';
import { DEV_MANIFEST, renderDevManifest } from '../src/render-k8s';

const K8S = join(REPO_ROOT, 'k8s');
const manifests = readdirSync(K8S).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');

describe('k8s/ (plain manifests for a dev cluster)', () => {
  it('holds the chart rendered with its default values, so the two cannot drift', () => {
    // After a chart change: npm run k8s:render -w @aurora/deploy-check
    expect(readFileSync(DEV_MANIFEST, 'utf8')).toBe(renderDevManifest());
  });

  it('lists every manifest in its kustomization', () => {
    const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).toEqual([...manifests].sort());
  });

  it.each(manifests)('%s validates against the Kubernetes schemas', (file) => {
    const objects = parseObjects(readFileSync(join(K8S, file), 'utf8'));
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it('provides the Secret and the warehouse volume the default values reference', () => {
    const objects = manifests.flatMap((file) => parseObjects(readFileSync(join(K8S, file), 'utf8')));
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Secret/aurora-s3',
        'Secret/aurora-nats',
        'Secret/aurora-postgresql',
        'PersistentVolumeClaim/aurora-demo-warehouse',
        'Job/aurora-demo-warehouse',
      ]),
    );
  });
});
