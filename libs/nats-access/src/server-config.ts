import { NATS_COMPONENTS, NATS_USERS, passwordVariable, type NatsComponent } from './components';
import { NATS_PERMISSIONS, type NatsPermissions } from './permissions';

/** A user of nats-server's configuration; its password is read from an environment variable, never written. */
export interface NatsUserEntry {
  readonly user: string;
  readonly passwordVariable: string;
  /** None: everything (only the test harness's own inspection user). */
  readonly permissions?: NatsPermissions;
}

/** Aurora's users: one per component, with its permissions. */
export function auroraNatsUsers(): NatsUserEntry[] {
  return NATS_COMPONENTS.map((component) => ({
    user: NATS_USERS[component],
    passwordVariable: passwordVariable(component),
    permissions: NATS_PERMISSIONS[component],
  }));
}

const quote = (text: string): string => JSON.stringify(text);
const list = (subjects: readonly string[], indent: string): string =>
  `[\n${subjects.map((subject) => `${indent}  ${quote(subject)}`).join('\n')}\n${indent}]`;

/**
 * The `authorization` block of nats-server's configuration. Passwords are `$VARIABLE` references, so the text holds
 * no secret and can ship in a ConfigMap (charts/aurora/files/nats-authorization.conf is this text).
 */
export function renderNatsAuthorization(users: readonly NatsUserEntry[] = auroraNatsUsers()): string {
  const entries = users.map((entry) => {
    const lines = [`      user: ${quote(entry.user)}`, `      password: $${entry.passwordVariable}`];
    if (entry.permissions) {
      const { publish, subscribe, denyPublish = [] } = entry.permissions;
      const deny = denyPublish.length > 0 ? `, deny: ${list(denyPublish, '        ')}` : '';
      lines.push(
        '      permissions: {',
        `        publish: { allow: ${list(publish, '        ')}${deny} }`,
        `        subscribe: { allow: ${list(subscribe, '        ')} }`,
        '      }',
      );
    }
    return `    {\n${lines.join('\n')}\n    }`;
  });
  return [
    '# Generated from @aurora/nats-access (libs/nats-access): a user per component, with only what its work needs.',
    '# docs/OPERATIONS.md, "NATS permissions". Passwords come from the environment (natsServerEnv).',
    'authorization {',
    '  users: [',
    ...entries,
    '  ]',
    '}',
    '',
  ].join('\n');
}

export interface NatsServerOptions {
  readonly host: string;
  readonly port: number;
  /** JetStream's store directory. */
  readonly storeDir: string;
  /** The HTTP monitoring port (none: off). */
  readonly monitorPort?: number;
  readonly users?: readonly NatsUserEntry[];
}

/** A whole nats-server configuration file: listen address, JetStream and the authorization block. */
export function renderNatsServerConfig(options: NatsServerOptions): string {
  return [
    `listen: ${quote(`${options.host}:${options.port}`)}`,
    ...(options.monitorPort === undefined
      ? []
      : [`http: ${quote(`${options.host}:${options.monitorPort}`)}`]),
    `jetstream { store_dir: ${quote(options.storeDir)} }`,
    renderNatsAuthorization(options.users),
  ].join('\n');
}

/**
 * nats-server's environment for the passwords the configuration refers to. nats-server parses a variable's value as
 * configuration syntax (`123` would be a number, `1e5` a parse error), so each is a quoted string literal.
 */
export function natsServerEnv(
  passwords: Readonly<Partial<Record<NatsComponent, string>>>,
  extra: readonly { readonly passwordVariable: string; readonly password: string }[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const component of NATS_COMPONENTS) {
    const password = passwords[component];
    if (password !== undefined) env[passwordVariable(component)] = quote(password);
  }
  for (const entry of extra) env[entry.passwordVariable] = quote(entry.password);
  return env;
}
