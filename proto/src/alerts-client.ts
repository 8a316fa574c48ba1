import { callUnary, type CallContext } from './call';
import type { AlertJson__Output as AlertJson } from './generated/aurora/v1/AlertJson';
import type { AlertsServiceClient } from './generated/aurora/v1/AlertsService';
import type { DueCheck__Output as DueCheck } from './generated/aurora/v1/DueCheck';
import type { DueChecks__Output as DueChecks } from './generated/aurora/v1/DueChecks';
import type { AlertJsonList__Output as JsonList } from './generated/aurora/v1/AlertJsonList';
import type { ListNotificationsRequest } from './generated/aurora/v1/ListNotificationsRequest';

/**
 * Alerts and notifications (metadata service). They travel as the JSON of docs/API.md: the answers are that
 * JSON, parsed, for the gateway to pass on.
 */
export class AlertsClient {
  constructor(private readonly stub: AlertsServiceClient) {}

  async create(body: unknown, context: CallContext): Promise<unknown> {
    return json(
      await callUnary(this.stub.createAlert.bind(this.stub), { bodyJson: JSON.stringify(body) }, context),
    );
  }

  async list(context: CallContext): Promise<unknown[]> {
    return list(await callUnary<object, JsonList>(this.stub.listAlerts.bind(this.stub), {}, context));
  }

  async get(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.getAlert.bind(this.stub), { id }, context));
  }

  async update(id: string, expectedVersion: number, body: unknown, context: CallContext): Promise<unknown> {
    const request = { id, expectedVersion, bodyJson: JSON.stringify(body) };
    return json(await callUnary(this.stub.updateAlert.bind(this.stub), request, context));
  }

  async delete(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.deleteAlert.bind(this.stub), { id }, context));
  }

  async setPaused(id: string, paused: boolean, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.setAlertPaused.bind(this.stub), { id, paused }, context));
  }

  /** The alert's checks (its runs, as GET /alerts/{id}/runs names them), newest first. */
  async runs(id: string, context: CallContext): Promise<unknown[]> {
    return list(
      await callUnary<{ id: string }, JsonList>(this.stub.listAlertChecks.bind(this.stub), { id }, context),
    );
  }

  /** A check queued now (POST /alerts/{id}/run-now). */
  async runNow(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.checkAlertNow.bind(this.stub), { id }, context));
  }

  async notifications(request: ListNotificationsRequest, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.listNotifications.bind(this.stub), request, context));
  }

  async readNotification(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.readNotification.bind(this.stub), { id }, context));
  }

  async readAllNotifications(context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.readAllNotifications.bind(this.stub), {}, context));
  }

  /** The alert runner's: queued checks, each handed to one caller only. */
  async take(limit: number, context: CallContext): Promise<DueCheck[]> {
    return (
      await callUnary<{ limit: number }, DueChecks>(
        this.stub.takeAlertChecks.bind(this.stub),
        { limit },
        context,
      )
    ).checks;
  }

  async finish(checkId: string, outcome: unknown, context: CallContext): Promise<void> {
    await callUnary(
      this.stub.finishAlertCheck.bind(this.stub),
      { checkId, outcomeJson: JSON.stringify(outcome) },
      context,
    );
  }
}

function json(message: AlertJson): unknown {
  return JSON.parse(message.json) as unknown;
}

function list(message: JsonList): unknown[] {
  return message.json.map((text) => JSON.parse(text) as unknown);
}
