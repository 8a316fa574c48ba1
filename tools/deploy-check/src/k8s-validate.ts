import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { K8sObject } from './helm';

interface Validatable {
  validate(): void;
}

/** The built-in kinds the chart and k8s/ use, validated offline against the Kubernetes OpenAPI schemas. */
const BUILT_IN: Record<string, (object: K8sObject) => Validatable> = {
  'v1/ConfigMap': (object) => new ConfigMap(object),
  'v1/Namespace': (object) => new Namespace(object),
  'v1/PersistentVolumeClaim': (object) => new PersistentVolumeClaim(object),
  'v1/Secret': (object) => new Secret(object),
  'v1/Service': (object) => new Service(object),
  'apps/v1/Deployment': (object) => new Deployment(object),
  'autoscaling/v2/HorizontalPodAutoscaler': (object) => new HorizontalPodAutoscaler(object),
  'batch/v1/Job': (object) => new Job(object),
  'networking.k8s.io/v1/Ingress': (object) => new Ingress(object),
  'networking.k8s.io/v1/NetworkPolicy': (object) => new NetworkPolicy(object),
  'policy/v1/PodDisruptionBudget': (object) => new PodDisruptionBudget(object),
};

/** Key usages cert-manager accepts (cert-manager.io/v1 KeyUsage). */
const KEY_USAGES = new Set([
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
]);
const GO_DURATION = /^(\d+(\.\d+)?(h|m|s))+$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Custom resources have no schema in kubernetes-models: the fields their operators require, checked here. */
const CUSTOM: Record<string, (object: K8sObject) => string[]> = {
  'cert-manager.io/v1/Certificate': (object) => {
    const spec = object['spec'] as
      | {
          secretName?: unknown;
          issuerRef?: { name?: unknown };
          dnsNames?: unknown[];
          usages?: unknown[];
          duration?: unknown;
          renewBefore?: unknown;
          privateKey?: { algorithm?: unknown; rotationPolicy?: unknown };
        }
      | undefined;
    const problems: string[] = [];
    if (typeof spec?.secretName !== 'string' || spec.secretName === '')
      problems.push('spec.secretName is required');
    if (typeof spec?.issuerRef?.name !== 'string') problems.push('spec.issuerRef.name is required');
    if (!Array.isArray(spec?.dnsNames) || spec.dnsNames.length === 0) problems.push('spec.dnsNames is empty');
    for (const name of spec?.dnsNames ?? []) {
      if (typeof name !== 'string' || !DNS_NAME.test(name))
        problems.push(`dnsNames: ${String(name)} is no DNS name`);
    }
    for (const usage of spec?.usages ?? []) {
      if (typeof usage !== 'string' || !KEY_USAGES.has(usage))
        problems.push(`unknown usage ${String(usage)}`);
    }
    for (const field of ['duration', 'renewBefore'] as const) {
      const value = spec?.[field];
      if (value !== undefined && (typeof value !== 'string' || !GO_DURATION.test(value)))
        problems.push(`spec.${field} must be a Go duration`);
    }
    const { algorithm, rotationPolicy } = spec?.privateKey ?? {};
    if (algorithm !== undefined && !['RSA', 'ECDSA', 'Ed25519'].includes(algorithm as string))
      problems.push(`unknown privateKey.algorithm ${JSON.stringify(algorithm)}`);
    if (rotationPolicy !== undefined && !['Never', 'Always'].includes(rotationPolicy as string))
      problems.push(`unknown privateKey.rotationPolicy ${JSON.stringify(rotationPolicy)}`);
    return problems;
  },
  'monitoring.coreos.com/v1/ServiceMonitor': (object) => {
    const spec = object['spec'] as { selector?: unknown; endpoints?: { port?: unknown }[] } | undefined;
    const problems: string[] = [];
    if (typeof spec?.selector !== 'object') problems.push('spec.selector is required');
    if (!Array.isArray(spec?.endpoints) || spec.endpoints.length === 0)
      problems.push('spec.endpoints is empty');
    for (const endpoint of spec?.endpoints ?? []) {
      if (typeof endpoint.port !== 'string') problems.push('every endpoint needs a named port');
    }
    return problems;
  },
  'keda.sh/v1alpha1/ScaledObject': (object) => {
    const spec = object['spec'] as
      | {
          scaleTargetRef?: { name?: unknown };
          minReplicaCount?: unknown;
          maxReplicaCount?: unknown;
          triggers?: { type?: unknown; metadata?: Record<string, unknown> }[];
        }
      | undefined;
    const problems: string[] = [];
    if (typeof spec?.scaleTargetRef?.name !== 'string') problems.push('spec.scaleTargetRef.name is required');
    if (!Number.isInteger(spec?.minReplicaCount) || !Number.isInteger(spec?.maxReplicaCount)) {
      problems.push('minReplicaCount and maxReplicaCount must be integers');
    }
    const triggers = spec?.triggers ?? [];
    if (triggers.length === 0) problems.push('spec.triggers is empty');
    for (const trigger of triggers) {
      if (trigger.type !== 'nats-jetstream') problems.push(`unexpected trigger ${String(trigger.type)}`);
      for (const key of ['natsServerMonitoringEndpoint', 'account', 'stream', 'consumer', 'lagThreshold']) {
        // KEDA reads trigger metadata as strings only.
        if (typeof trigger.metadata?.[key] !== 'string')
          problems.push(`trigger metadata.${key} must be a string`);
      }
    }
    return problems;
  },
};

/** Problems of one object: schema violations, or a kind nobody checks. */
export function validateObject(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const name = `${object.kind}/${object.metadata.name}`;
  const builtIn = BUILT_IN[key];
  if (builtIn) {
    try {
      builtIn(object).validate();
      return [];
    } catch (error) {
      return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  const custom = CUSTOM[key];
  if (custom) return custom(object).map((problem) => `${name}: ${problem}`);
  return [`${name}: no validator for ${key}`];
}
