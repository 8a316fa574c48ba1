export { AuroraError, ErrorCode, httpStatusOf, isAuroraError } from './aurora-error';
