import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RetryPolicy } from './retry';

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

/** A comma-separated list, kept as text here so that unset reads as unset (split by deliveryConfig). */
const list = z.string().optional();

const items = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');

/**
 * The environment variables of deliveries, spread into the config schema of the service that sends them (as
 * natsEnv and telemetryEnv are). Defaults reach `npm start`'s maildev on 127.0.0.1:1025.
 */
export const deliveryEnv = {
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(1025),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: flag('false'),
  /** true: refuse to send unless STARTTLS succeeds (production relays; maildev offers none). */
  SMTP_REQUIRE_TLS: flag('false'),
  SMTP_FROM: z.string().min(3).default('Aurora <aurora@localhost>'),
  SMTP_USER: z.string().min(1).optional(),
  /** The password itself (the chart: from a Secret), or … */
  SMTP_PASSWORD: z.string().min(1).optional(),
  /** … a file holding it (a mounted Secret); SMTP_PASSWORD wins when both are set. */
  SMTP_PASSWORD_FILE: z.string().min(1).optional(),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Files up to this size are attached to the mail as well as linked (0: never attached). */
  DELIVERY_ATTACH_MAX_BYTES: z.coerce.number().int().min(0).max(50_000_000).default(10_485_760),
  /** Attempts per delivery, the first included. */
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  DELIVERY_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(300_000),
  /** Hosts webhooks may go to: `hooks.example.com` exactly or `*.example.com` (any subdomain). Empty: none. */
  WEBHOOK_ALLOWED_HOSTS: list,
  /** Allowed hosts that may resolve to private or loopback addresses (a receiver inside the cluster). */
  WEBHOOK_INTERNAL_HOSTS: list,
  /** true: http:// webhook URLs too (development only); false: https only. */
  WEBHOOK_ALLOW_HTTP: flag('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

const schema = z.object(deliveryEnv);
export type DeliveryEnv = z.infer<typeof schema>;

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTls: boolean;
  readonly from: string;
  readonly auth?: { readonly user: string; readonly password: string };
  readonly timeoutMs: number;
}

export interface WebhookPolicy {
  readonly allowedHosts: readonly string[];
  readonly internalHosts: readonly string[];
  readonly allowHttp: boolean;
  readonly timeoutMs: number;
  /** How much of a receiver's answer is read (for the failure reason); the rest is discarded unread. */
  readonly responseMaxBytes: number;
}

export interface DeliveryConfig {
  readonly smtp: SmtpSettings;
  readonly attachMaxBytes: number;
  readonly retry: RetryPolicy;
  readonly webhook: WebhookPolicy;
}

/** Typed settings from the validated environment; the password file is read here, once, at boot. */
export function deliveryConfig(env: DeliveryEnv): DeliveryConfig {
  const password =
    env.SMTP_PASSWORD ??
    (env.SMTP_PASSWORD_FILE === undefined ? undefined : readFileSync(env.SMTP_PASSWORD_FILE, 'utf8').trim());
  if (env.SMTP_USER !== undefined && password === undefined)
    throw new Error('SMTP_USER is set but neither SMTP_PASSWORD nor SMTP_PASSWORD_FILE is');
  return {
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      requireTls: env.SMTP_REQUIRE_TLS,
      from: env.SMTP_FROM,
      ...(env.SMTP_USER !== undefined && password !== undefined
        ? { auth: { user: env.SMTP_USER, password } }
        : {}),
      timeoutMs: env.SMTP_TIMEOUT_MS,
    },
    attachMaxBytes: env.DELIVERY_ATTACH_MAX_BYTES,
    retry: {
      attempts: env.DELIVERY_ATTEMPTS,
      baseDelayMs: env.DELIVERY_BACKOFF_MS,
      maxDelayMs: Math.max(env.DELIVERY_BACKOFF_MS, env.DELIVERY_BACKOFF_MAX_MS),
    },
    webhook: {
      allowedHosts: items(env.WEBHOOK_ALLOWED_HOSTS),
      internalHosts: items(env.WEBHOOK_INTERNAL_HOSTS),
      allowHttp: env.WEBHOOK_ALLOW_HTTP,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      responseMaxBytes: 4096,
    },
  };
}

/** The settings from an environment as a service would hold it (tests, tools). */
export function deliveryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return deliveryConfig(schema.parse(env));
}
