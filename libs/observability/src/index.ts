export { GrpcExceptionFilter } from './grpc-exception.filter';
export { logger, type Logger } from './logger';
