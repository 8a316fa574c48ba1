export {
  AuroraError,
  ErrorCode,
  httpStatusOf,
  isAuroraError,
  QuotaExceededError,
  type QuotaName,
} from './aurora-error';
