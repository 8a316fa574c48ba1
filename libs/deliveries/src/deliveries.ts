import type { Registry } from 'prom-client';
import type { DeliveryConfig } from './config';
import type { RecipientDirectory } from './directory';
import { EmailChannel } from './email-channel';
import type { DeliveryMessage, DeliveryOutcome, DeliveryTarget } from './run';
import type { Resolver } from './url-guard';
import { WebhookChannel } from './webhook-channel';

export interface DeliveriesOptions {
  readonly config: DeliveryConfig;
  readonly directory: RecipientDirectory;
  /** Tests: host names of their own, no real waits, a registry of their own. */
  readonly resolve?: Resolver;
  readonly wait?: (ms: number) => Promise<void>;
  readonly registry?: Registry;
}

/**
 * The one entry point: a finished run and its schedule's targets in, one outcome per target out (in the same
 * order). A target's failure never stops the others, and nothing here throws for a failed delivery.
 */
export class Deliveries {
  private readonly email: EmailChannel;
  private readonly webhook: WebhookChannel;

  constructor(options: DeliveriesOptions) {
    const { config } = options;
    const common = {
      retry: config.retry,
      ...(options.wait ? { wait: options.wait } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
    };
    this.email = new EmailChannel({
      ...common,
      smtp: config.smtp,
      attachMaxBytes: config.attachMaxBytes,
      directory: options.directory,
    });
    this.webhook = new WebhookChannel({
      ...common,
      policy: config.webhook,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
  }

  deliver(run: DeliveryMessage, targets: readonly DeliveryTarget[]): Promise<DeliveryOutcome[]> {
    return Promise.all(targets.map((target) => this.deliverOne(run, target)));
  }

  private async deliverOne(run: DeliveryMessage, target: DeliveryTarget): Promise<DeliveryOutcome> {
    try {
      switch (target.kind) {
        case 'email':
          return await this.email.deliver(run, target);
        case 'webhook':
          return await this.webhook.deliver(run, target);
      }
    } catch (error) {
      // The channels answer every failure they know with an outcome; this is for the ones they do not.
      const why = error instanceof Error ? error.message : String(error);
      return { channel: target.kind, status: 'failed', attempts: 0, reason: `unexpected error: ${why}` };
    }
  }

  close(): void {
    this.email.close();
  }
}
