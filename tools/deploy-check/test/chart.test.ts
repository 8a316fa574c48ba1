import { ObjectStore, TOPOLOGY } from '@aurora/export-jobs';
import { CHART, PRODUCTION_ARGS, helm, parseObjects, renderChart, type K8sObject } from '../src/helm';
import { validateObject } from '../src/k8s-validate';

interface Container {
  name: string;
  image: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
  }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  resources?: { limits?: { memory?: string } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; secret?: { secretName: string } }[];
}
type Labels = Record<string, string>;

const podSpec = (object: K8sObject): PodSpec =>
  (object['spec'] as { template: { spec: PodSpec } }).template.spec;
const podLabels = (object: K8sObject): Labels =>
  (object['spec'] as { template: { metadata: { labels: Labels } } }).template.metadata.labels;
const matches = (selector: Labels, labels: Labels): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
const byKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

const INSTALLS = {
  'default values (dev install)': [] as string[],
  'values-production.yaml': PRODUCTION_ARGS,
  'every optional object enabled': [
    ...[
      'export.autoscaling.keda',
      'serviceMonitor.enabled',
      'ingress.enabled',
      'gateway.autoscaling.enabled',
    ].flatMap((flag) => ['--set', `${flag}=true`]),
    ...['query.autoscaling.enabled=true'].flatMap((flag) => ['--set', flag]),
  ],
};

describe.each(Object.entries(INSTALLS))('the chart with %s', (_name, args) => {
  const objects = parseObjects(renderChart(args));
  const deployments = byKind(objects, 'Deployment');

  it('passes helm lint', () => {
    expect(helm(['lint', CHART, ...args])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders only objects that validate against the Kubernetes schemas (CRDs: their required fields)', () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it('runs every container as non-root, without privilege escalation, on a read-only root filesystem', () => {
    for (const deployment of deployments) {
      const spec = podSpec(deployment);
      expect([deployment.metadata.name, spec.securityContext?.['runAsNonRoot']]).toEqual([
        deployment.metadata.name,
        true,
      ]);
      for (const container of spec.containers) {
        expect([container.name, container.securityContext]).toEqual([
          container.name,
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          }),
        ]);
        expect([container.name, container.resources?.limits?.memory]).toEqual([
          container.name,
          expect.any(String),
        ]);
        expect(container.livenessProbe).toBeDefined();
        expect(container.readinessProbe).toBeDefined();
      }
    }
  });

  it('inlines no credentials: S3 keys, NATS, warehouse and database passwords come from referenced Secrets', () => {
    expect(byKind(objects, 'Secret')).toEqual([]);
    for (const configMap of byKind(objects, 'ConfigMap')) {
      expect(Object.keys((configMap['data'] as Labels | undefined) ?? {})).not.toContainEqual(
        expect.stringMatching(/SECRET|PASSWORD|ACCESS_KEY|DATABASE_URL/),
      );
    }
    const env = deployments.flatMap((d) => podSpec(d).containers.flatMap((c) => c.env ?? []));
    for (const name of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'NATS_PASSWORD']) {
      const entries = env.filter((e) => e.name === name);
      expect(entries.length).toBeGreaterThanOrEqual(2);
      for (const entry of entries) expect(entry.valueFrom?.secretKeyRef).toBeDefined();
    }
    // DATABASE_URL: from a Secret, or built with the password the kubelet takes from one.
    const url = env.find((e) => e.name === 'DATABASE_URL');
    const password = env.find((e) => e.name === 'DATABASE_PASSWORD');
    if (url?.valueFrom) expect(url.valueFrom.secretKeyRef).toBeDefined();
    else {
      expect(url?.value).toMatch(/^postgres:\/\/[^:@/]+:\$\(DATABASE_PASSWORD\)@/);
      expect(password?.valueFrom?.secretKeyRef).toBeDefined();
    }
  });

  it('selects its pods: Services, PDBs and NetworkPolicies match a Deployment, named target ports exist', () => {
    const pods = deployments.map((d) => ({ labels: podLabels(d), containers: podSpec(d).containers }));
    for (const service of byKind(objects, 'Service')) {
      const spec = service['spec'] as { selector: Labels; ports: { targetPort: string }[] };
      const pod = pods.find((p) => matches(spec.selector, p.labels));
      expect([service.metadata.name, pod !== undefined]).toEqual([service.metadata.name, true]);
      const portNames = pod?.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
      for (const port of spec.ports) expect(portNames).toContain(port.targetPort);
    }
    for (const kind of ['PodDisruptionBudget', 'NetworkPolicy']) {
      for (const object of byKind(objects, kind)) {
        const selector = kind === 'PodDisruptionBudget' ? 'selector' : 'podSelector';
        const { matchLabels } = (object['spec'] as Record<string, { matchLabels: Labels }>)[selector] ?? {};
        expect([object.metadata.name, pods.some((p) => matches(matchLabels ?? {}, p.labels))]).toEqual([
          object.metadata.name,
          true,
        ]);
      }
    }
  });

  it('lets only the gateway and the web app be reached from outside the release', () => {
    const policies = byKind(objects, 'NetworkPolicy');
    const componentOf = (p: K8sObject): string | undefined =>
      (p['spec'] as { podSelector: { matchLabels: Labels } }).podSelector.matchLabels[
        'app.kubernetes.io/component'
      ];
    expect(policies.find((p) => componentOf(p) === undefined)?.['spec']).toEqual(
      expect.objectContaining({ policyTypes: ['Ingress'] }),
    );
    for (const policy of policies) {
      const component = componentOf(policy);
      const rules = (policy['spec'] as { ingress?: { from?: Record<string, unknown>[] }[] }).ingress ?? [];
      const open = rules.some((rule) => rule.from === undefined);
      const isMetrics = policy.metadata.name.endsWith('-metrics');
      if (open && !isMetrics)
        expect([policy.metadata.name, component]).toEqual([
          policy.metadata.name,
          expect.stringMatching(/^(gateway|web|nats)$/),
        ]);
      if (component === 'metadata' || component === 'query') {
        for (const rule of rules) expect(rule.from).toBeDefined();
      }
      if (component === 'postgresql') {
        // Only metadata talks to the application database.
        const sources = rules.flatMap((rule) => rule.from ?? [{}]) as {
          podSelector?: { matchLabels: Labels };
        }[];
        expect(sources.map((s) => s.podSelector?.matchLabels['app.kubernetes.io/component'])).toEqual([
          'metadata',
        ]);
      }
    }
  });

  it("binds each service's metrics server (no authentication) to the pod's address, not every interface", () => {
    const services = deployments.filter((d) =>
      podSpec(d).containers.some((c) => c.ports?.some((p) => p.name === 'metrics')),
    );
    expect(services).toHaveLength(4);
    for (const deployment of services) {
      const env = podSpec(deployment).containers[0]?.env ?? [];
      const host = env.find((variable) => variable.name === 'METRICS_HOST');
      expect([deployment.metadata.name, host?.valueFrom?.fieldRef?.fieldPath]).toEqual([
        deployment.metadata.name,
        'status.podIP',
      ]);
    }
  });

  it('caps the export worker heap well below its memory limit', () => {
    const worker = deployments.find((d) => d.metadata.name.endsWith('-export'));
    const env = named(objects, 'ConfigMap', worker?.metadata.name ?? '')?.['data'] as Labels;
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(env['NODE_OPTIONS'] ?? '')?.[1]);
    const limit = podSpec(worker as K8sObject).containers[0]?.resources?.limits?.memory ?? '';
    const limitMb = Number(/^(\d+)Mi$/.exec(limit)?.[1]);
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb).toBeLessThanOrEqual(limitMb * 0.6);
  });

  it('scales what it says it scales: HPAs and the ScaledObject point at rendered Deployments', () => {
    for (const scaler of [
      ...byKind(objects, 'HorizontalPodAutoscaler'),
      ...byKind(objects, 'ScaledObject'),
    ]) {
      const target = (scaler['spec'] as { scaleTargetRef: { name: string } }).scaleTargetRef.name;
      expect(named(objects, 'Deployment', target)).toBeDefined();
      expect(
        (named(objects, 'Deployment', target)?.['spec'] as { replicas?: number }).replicas,
      ).toBeUndefined();
    }
  });
});

describe('the chart', () => {
  it('ships every Grafana dashboard of k8s/dashboards as a ConfigMap with the sidecar label', () => {
    const dashboards = byKind(parseObjects(renderChart()), 'ConfigMap').filter(
      (c) => c.metadata.labels?.['grafana_dashboard'] === '1',
    );
    const files = dashboards.flatMap((c) => Object.keys(c['data'] as Labels));
    expect(files.sort()).toEqual(['aurora-exports.json', 'aurora-overview.json', 'aurora-queries.json']);
  });

  it('routes /api to the gateway and the rest to the web app, which gets the OIDC issuer at runtime', () => {
    const objects = parseObjects(renderChart(PRODUCTION_ARGS));
    const ingress = byKind(objects, 'Ingress')[0];
    const paths = (
      ingress?.['spec'] as {
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      }
    ).rules[0]?.http.paths.map((p) => [p.path, p.backend.service.name]);
    expect(paths).toEqual([
      ['/api', 'aurora-gateway'],
      ['/', 'aurora-web'],
    ]);
    const web = named(objects, 'ConfigMap', 'aurora-web')?.['data'] as Labels;
    expect(web['oidc.conf']).toContain(
      '<meta name="aurora-issuer" content="https://sso.example.com/realms/aurora">',
    );
    // web/nginx.conf rewrites the page's nonce placeholders: every occurrence, so the chart must not say `once`.
    expect(web['oidc.conf']).not.toContain('sub_filter_once');
  });

  /** The two origins the chart's web settings name (web/security-headers.conf's variables). */
  const webOrigins = (objects: K8sObject[]): Labels =>
    Object.fromEntries(
      [
        ...((named(objects, 'ConfigMap', 'aurora-web')?.['data'] as Labels)['origins.conf'] ?? '').matchAll(
          /^set \$aurora_(\w+)_origin '([^']*)';$/gm,
        ),
      ].map(([, name = '', origin = '']) => [name, origin]),
    );

  /** What the gateway allows with the same settings: its issuer's origin and ObjectStore.downloadOrigin. */
  async function gatewayOrigins(objects: K8sObject[]): Promise<Labels> {
    const env = named(objects, 'ConfigMap', 'aurora-gateway')?.['data'] as Labels;
    const store = new ObjectStore({
      endpoint: env['S3_ENDPOINT'],
      region: env['S3_REGION'] ?? '',
      bucket: env['S3_BUCKET'] ?? '',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: env['S3_FORCE_PATH_STYLE'] === 'true',
    });
    try {
      return { issuer: new URL(env['OIDC_ISSUER'] ?? '').origin, download: await store.downloadOrigin() };
    } finally {
      store.close();
    }
  }

  const external = (endpoint: string, forcePathStyle: boolean): string[] =>
    ['minio.enabled=false', `s3.endpoint=${endpoint}`, `s3.forcePathStyle=${String(forcePathStyle)}`].flatMap(
      (value) => ['--set', value],
    );

  it.each([
    ['default values (bundled MinIO, path-style)', []],
    ['values-production.yaml (S3, virtual-hosted)', PRODUCTION_ARGS],
    [
      'upper case and default ports',
      [
        ...external('https://S3.EU-West-1.amazonaws.com:443/', false),
        ...['--set', 'oidc.issuer=https://SSO.Example.com:443/realms/aurora'],
      ],
    ],
    [
      'an issuer and a MinIO on ports of their own',
      [
        ...external('http://minio.storage:9000/', true),
        '--set',
        'oidc.issuer=http://keycloak.sso:8080/realms/a',
      ],
    ],
    ['virtual-hosted on an IPv4 endpoint (path-style links)', external('http://10.0.0.5:9000', false)],
    ['virtual-hosted on an IPv6 endpoint (path-style links)', external('http://[fd00::5]:9000', false)],
    [
      'virtual-hosted with a bucket that is no DNS label (path-style links)',
      [...external('https://storage.example.com', false), '--set', 's3.bucket=exports.v2'],
    ],
    [
      "the gateway's own S3_ENDPOINT (gateway.env)",
      [
        ...external('https://s3.example.com', false),
        '--set',
        'gateway.env.S3_ENDPOINT=https://files.example.com',
      ],
    ],
  ])('tells the web image the origins the gateway allows the page with %s', async (_name, args) => {
    const objects = parseObjects(renderChart([...args, '--show-only', 'templates/config.yaml']));
    const origins = webOrigins(objects);
    expect(Object.keys(origins)).toEqual(['issuer', 'download']);
    expect(origins).toEqual(await gatewayOrigins(objects));
  });

  it('refuses an object store endpoint that is no plain http(s) origin (it goes into nginx and a header)', () => {
    for (const endpoint of ['s3.example.com', "https://s3.example.com';add_header", 'ftp://s3.example.com'])
      expect(() => renderChart(external(endpoint, true))).toThrow(/is not an http\(s\) URL/);
  });

  it('scales the export workers on the work queue the services really use', () => {
    const objects = parseObjects(renderChart(['--set', 'export.autoscaling.keda=true']));
    const scaledObject = byKind(objects, 'ScaledObject')[0];
    const triggers = (scaledObject?.['spec'] as { triggers: { metadata: Labels }[] }).triggers;
    expect(triggers[0]?.metadata).toEqual(
      expect.objectContaining({
        stream: TOPOLOGY.workStream,
        consumer: TOPOLOGY.workConsumer,
        natsServerMonitoringEndpoint: 'aurora-nats:8222',
      }),
    );
    expect(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).not.toContain(
      'aurora-export',
    );
  });

  it('refuses values that break its schema', () => {
    expect(() => renderChart(['--set', 'gateway.replicas=-1'])).toThrow(/minimum/);
    expect(() => renderChart(['--set', 'logLevel=verbose'])).toThrow(/logLevel/);
    expect(() => renderChart(['--set', 'warehouse.url=oracle://u:secret@db:1521/DWH'])).toThrow(/warehouse/);
    expect(() => renderChart(['--set', 'gatway.replicas=2'])).toThrow(/additional properties 'gatway'/);
    expect(() => renderChart(['--set', 'grpcTls.mode=plaintext'])).toThrow(/grpcTls/);
  });

  it('needs an external NATS URL when the bundled NATS is off', () => {
    expect(() => renderChart(['--set', 'nats.enabled=false'])).toThrow(/nats.url is required/);
  });
});

describe('gRPC TLS in the chart', () => {
  const GRPC_SERVICES = ['gateway', 'metadata', 'query', 'export'] as const;
  /** Who dials whom, by the setting naming the server's address. */
  const CALLS = [
    ['gateway', 'METADATA_GRPC_ADDRESS', 'metadata'],
    ['gateway', 'QUERY_GRPC_ADDRESS', 'query'],
    ['query', 'METADATA_GRPC_ADDRESS', 'metadata'],
    ['export', 'QUERY_GRPC_ADDRESS', 'query'],
  ] as const;
  const envOf = (objects: K8sObject[], component: string): Labels =>
    named(objects, 'ConfigMap', `aurora-${component}`)?.['data'] as Labels;
  /** The Secret a component's pods mount at the folder of GRPC_TLS_CERT, and that mount. */
  function tlsMount(objects: K8sObject[], component: string) {
    const env = envOf(objects, component);
    const spec = podSpec(named(objects, 'Deployment', `aurora-${component}`) as K8sObject);
    const folder = (env['GRPC_TLS_CERT'] ?? '').replace(/\/tls\.crt$/, '');
    const mount = spec.containers[0]?.volumeMounts?.find((m) => m.mountPath === folder);
    const secret = spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
    return { env, folder, mount, secret };
  }

  it('is off by default: plaintext, no certificates, nothing mounted', () => {
    const objects = parseObjects(renderChart());
    expect(byKind(objects, 'Certificate')).toEqual([]);
    for (const component of GRPC_SERVICES) {
      expect(Object.keys(envOf(objects, component)).filter((key) => key.startsWith('GRPC_TLS'))).toEqual([]);
      const spec = podSpec(named(objects, 'Deployment', `aurora-${component}`) as K8sObject);
      expect(spec.volumes?.map((v) => v.name)).not.toContain('grpc-tls');
    }
  });

  it('puts every gRPC server and client of values-production.yaml on mTLS with cert-manager certificates', () => {
    const objects = parseObjects(renderChart(PRODUCTION_ARGS));
    const certificates = byKind(objects, 'Certificate').map(
      (c) => c['spec'] as { secretName: string; dnsNames: string[]; usages: string[]; issuerRef: unknown },
    );
    expect(certificates).toHaveLength(GRPC_SERVICES.length);
    const certificateOf = (component: string) => {
      const { secret } = tlsMount(objects, component);
      return certificates.find((c) => c.secretName === secret);
    };
    for (const component of GRPC_SERVICES) {
      const { env, folder, mount } = tlsMount(objects, component);
      expect([component, env['GRPC_TLS_MODE']]).toEqual([component, 'mtls']);
      expect([env['GRPC_TLS_CERT'], env['GRPC_TLS_KEY'], env['GRPC_TLS_CA']]).toEqual([
        `${folder}/tls.crt`,
        `${folder}/tls.key`,
        `${folder}/ca.crt`,
      ]);
      expect([component, mount?.readOnly]).toEqual([component, true]);
      const certificate = certificateOf(component);
      expect(certificate?.usages).toEqual(expect.arrayContaining(['server auth', 'client auth']));
      expect(certificate?.issuerRef).toEqual({
        name: 'aurora-internal-ca',
        kind: 'ClusterIssuer',
        group: 'cert-manager.io',
      });
      const service = `aurora-${component}`;
      expect(certificate?.dnsNames).toEqual([
        service,
        `${service}.aurora`,
        `${service}.aurora.svc`,
        `${service}.aurora.svc.cluster.local`,
      ]);
    }
    // Each address a client dials names a Service whose pods present a certificate for that name.
    for (const [client, setting, server] of CALLS) {
      const host = (envOf(objects, client)[setting] ?? '').split(':')[0] ?? '';
      expect(named(objects, 'Service', host)).toBeDefined();
      expect([client, setting, certificateOf(server)?.dnsNames]).toEqual([
        client,
        setting,
        expect.arrayContaining([host]),
      ]);
    }
  });

  it('mounts Secrets made without cert-manager, named by existingSecrets', () => {
    const objects = parseObjects(
      renderChart(
        [
          ...['grpcTls.enabled=true', 'grpcTls.mode=tls', 'grpcTls.certManager.enabled=false'],
          'grpcTls.existingSecrets.metadata=metadata-tls-from-vault',
        ].flatMap((value) => ['--set', value]),
      ),
    );
    expect(byKind(objects, 'Certificate')).toEqual([]);
    expect(objects.flatMap(validateObject)).toEqual([]);
    expect(tlsMount(objects, 'metadata').secret).toBe('metadata-tls-from-vault');
    expect(tlsMount(objects, 'query').secret).toBe('aurora-query-grpc-tls');
    expect(envOf(objects, 'gateway')['GRPC_TLS_MODE']).toBe('tls');
  });
});
