export { startDevIdp, type DevIdp } from './dev-idp';
export {
  API_AUDIENCE,
  API_RESOURCE,
  DEFAULT_PORT,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_WEB_REDIRECT_URIS,
  WEB_CLIENT_ID,
  optionsFromEnv,
  type DevIdpOptions,
} from './options';
export { DEV_CLI_CLIENTS, DEV_USERS, type DevCliClient, type DevPrincipal } from './principals';
