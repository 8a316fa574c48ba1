export {
  AuroraError,
  ErrorCode,
  httpStatusOf,
  isAuroraError,
  QUOTA_NAMES,
  QuotaExceededError,
  type QuotaName,
} from './aurora-error';
