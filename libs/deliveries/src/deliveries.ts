import type { Registry } from 'prom-client';
import type { DeliveryConfig } from './config';
import type { RecipientDirectory } from './directory';
import { EmailChannel } from './email-channel';
import type { DeliveryOutcome, DeliveryTarget, FinishedRun } from './run';
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

  deliver(run: FinishedRun, targets: readonly DeliveryTarget[]): Promise<DeliveryOutcome[]> {
    return Promise.all(targets.map((target) => this.deliverOne(run, target)));
  }

  private deliverOne(run: FinishedRun, target: DeliveryTarget): Promise<DeliveryOutcome> {
    switch (target.kind) {
      case 'email':
        return this.email.deliver(run, target);
      case 'webhook':
        return this.webhook.deliver(run, target);
    }
  }

  close(): void {
    this.email.close();
  }
}
