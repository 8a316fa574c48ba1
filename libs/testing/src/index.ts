export { freePort } from './free-port';
export { startProcess, type ProcessOptions, type RunningProcess } from './process';
export {
  stackPort,
  startDevIdp,
  startGateway,
  startMetadata,
  startQueryService,
  startStack,
  type Env,
  type GatewayProcess,
  type GrpcProcess,
  type HttpProcess,
  type IdpProcess,
  type Stack,
  type StackOptions,
  type StackProcess,
} from './stack';
export { startNats, startS3, type RunningServer } from './infra';
