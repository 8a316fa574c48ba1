export { GrpcAuthentication } from './grpc-authentication';
export {
  generateSigningKey,
  publicHalf,
  signingKeyEnv,
  trustedKeysEnv,
  type PrivateJwk,
  type PublicJwk,
  type TrustedKeys,
} from './keys';
export { AUDIENCES, ISSUERS, LIFETIMES, type Audience, type Issuer } from './names';
export { InternalTokenIssuer, InternalTokenVerifier, type JobBinding, type VerifiedToken } from './tokens';
export { VerifiedTokens } from './verified-tokens';
export {
  checkGrpcTls,
  GRPC_TLS_MODES,
  GrpcTls,
  grpcTlsEnv,
  type GrpcRoles,
  type GrpcTlsConfig,
  type GrpcTlsMode,
} from './grpc-tls';
export type { TlsLog } from './tls-watcher';
export { requireGatewayActor, SCHEDULE_RUNNER, SCHEDULE_RUNNER_PRINCIPAL } from './actors';
