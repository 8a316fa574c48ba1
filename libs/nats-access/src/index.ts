export {
  NatsCredentialsError,
  natsClientSettings,
  natsConnectError,
  natsConnectOptions,
  natsEnv,
  type NatsClientSettings,
  type NatsEnv,
} from './client';
export { NATS_COMPONENTS, NATS_USERS, inboxPrefix, passwordVariable, type NatsComponent } from './components';
export { NATS_NAMES, kvStream } from './names';
export { NATS_PERMISSIONS, type NatsPermissions } from './permissions';
export {
  auroraNatsUsers,
  natsServerEnv,
  renderNatsAuthorization,
  renderNatsServerConfig,
  type NatsServerOptions,
  type NatsUserEntry,
} from './server-config';
