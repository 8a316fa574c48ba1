export {
  deliveryConfig,
  deliveryConfigFromEnv,
  deliveryEnv,
  type DeliveryConfig,
  type DeliveryEnv,
  type SmtpSettings,
  type WebhookPolicy,
} from './config';
export { Deliveries, type DeliveriesOptions } from './deliveries';
export {
  InMemoryDirectory,
  resolveRecipients,
  type DirectoryUser,
  type RecipientDirectory,
  type ResolvedRecipients,
} from './directory';
export { EmailChannel, smtpFailure, type EmailChannelOptions } from './email-channel';
export {
  attachmentPlan,
  composeAlertMail,
  composeMail,
  formatBytes,
  type AttachmentPlan,
} from './email-message';
export { backoffDelay, type RetryPolicy } from './retry';
export type {
  AlertNotice,
  AlertNoticeValue,
  DeliveryChannel,
  DeliveryMessage,
  DeliveryOutcome,
  DeliveryTarget,
  EmailTarget,
  FinishedRun,
  WebhookTarget,
} from './run';
export {
  guardWebhookUrl,
  hostMatches,
  isPrivateAddress,
  systemResolver,
  type GuardResult,
  type Resolver,
} from './url-guard';
export { WebhookChannel, judge, retryAfter, type WebhookChannelOptions } from './webhook-channel';
export {
  newWebhookSecret,
  webhookMessageId,
  webhookPayload,
  type AlertWebhook,
  type ScheduleRunWebhook,
} from './webhook-payload';
