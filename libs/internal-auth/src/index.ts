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
