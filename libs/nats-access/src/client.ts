import { z } from 'zod';
import { NATS_USERS, inboxPrefix, type NatsComponent } from './components';

/**
 * A service's NATS settings, spread into its config schema (`...natsEnv('gateway')`). NATS_PASSWORD unset: no
 * credentials (a NATS without authorization); a NATS with Aurora's authorization then refuses the connection.
 */
export function natsEnv(component: NatsComponent) {
  return {
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    NATS_USER: z.string().min(1).default(NATS_USERS[component]),
    NATS_PASSWORD: z.string().min(1).optional(),
  };
}

export interface NatsEnv {
  readonly NATS_URL: string;
  readonly NATS_USER: string;
  readonly NATS_PASSWORD?: string | undefined;
}

/** Where and as whom a client connects, and where its replies come back to. */
export interface NatsClientSettings {
  readonly url: string;
  /** Sent only with a password. */
  readonly user: string;
  readonly password?: string | undefined;
  /** The component's private inbox, the only one its permissions let it subscribe to. */
  readonly inboxPrefix: string;
}

export function natsClientSettings(component: NatsComponent, env: NatsEnv): NatsClientSettings {
  return {
    url: env.NATS_URL,
    user: env.NATS_USER,
    password: env.NATS_PASSWORD,
    inboxPrefix: inboxPrefix(component),
  };
}

/** The nats.js connection options of these settings (a plain object: this package does not load the driver). */
export function natsConnectOptions(settings: NatsClientSettings): {
  servers: string;
  inboxPrefix: string;
  user?: string;
  pass?: string;
} {
  return {
    servers: settings.url,
    inboxPrefix: settings.inboxPrefix,
    ...(settings.password === undefined ? {} : { user: settings.user, pass: settings.password }),
  };
}

/** NATS refused a client's credentials: a configuration error, not an outage, so no retry will fix it. */
export class NatsCredentialsError extends Error {
  override readonly name = 'NatsCredentialsError';
}

/**
 * A failed connect as the operator needs to read it: NATS refusing the credentials is a NatsCredentialsError
 * naming the settings to fix. Anything else is returned as it is.
 */
export function natsConnectError(error: unknown, settings: NatsClientSettings): Error {
  const refused =
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'AUTHORIZATION_VIOLATION';
  if (!refused) return error instanceof Error ? error : new Error(String(error));
  const detail =
    settings.password === undefined
      ? `it requires credentials and NATS_PASSWORD is not set (the password of NATS_USER "${settings.user}")`
      : `it refused user "${settings.user}" (NATS_USER) with the password in NATS_PASSWORD`;
  return new NatsCredentialsError(`NATS at NATS_URL refused the connection: ${detail}`, { cause: error });
}
