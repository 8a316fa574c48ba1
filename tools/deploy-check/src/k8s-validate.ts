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

/** Custom resources have no schema in kubernetes-models: the fields their operators require, checked here. */
const CUSTOM: Record<string, (object: K8sObject) => string[]> = {
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
