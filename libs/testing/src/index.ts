export { corpusStrings, expressionCorpus } from './corpora';
export { freePort } from './free-port';
export { internalAuthEnv, internalToken, testGatewayIssuer } from './internal-keys';
export { startProcess, type ProcessOptions, type RunningProcess } from './process';
export {
  EXPORT_WORKER_NODE_FLAGS,
  stackPort,
  startDevIdp,
  startExportWorker,
  startGateway,
  startMetadata,
  startQueryService,
  startStack,
  type Env,
  type Exit,
  type ExportWorkerProcess,
  type GatewayProcess,
  type GrpcProcess,
  type HttpProcess,
  type IdpProcess,
  type ObservedProcess,
  type Stack,
  type StackOptions,
  type StackProcess,
} from './stack';
export {
  startNats,
  startPostgres,
  startS3,
  type NatsUser,
  type RunningNats,
  type RunningPostgres,
  type RunningServer,
  type S3Options,
} from './infra';
export { startSmtp, type ReceivedMail, type SmtpOptions, type TestSmtp } from './smtp-server';
export { parsePrometheus, scrapeMetrics, type Family, type Sample } from './prometheus';
export { createTestCa, type CertificateOptions, type TestCa, type TestCertificate } from './test-ca';
export { BENCHMARKS_FILE, markdownTable, writeBenchSection, type Align } from './bench-docs';
