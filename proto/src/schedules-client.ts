import { callUnary, type CallContext } from './call';
import type { DueRun__Output as DueRun } from './generated/aurora/v1/DueRun';
import type { DueRuns__Output as DueRuns } from './generated/aurora/v1/DueRuns';
import type { JsonList__Output as JsonList } from './generated/aurora/v1/JsonList';
import type { FinishScheduleRunRequest } from './generated/aurora/v1/FinishScheduleRunRequest';
import type { SchedulesServiceClient } from './generated/aurora/v1/SchedulesService';

/**
 * Schedules on saved reports (metadata service). Schedules and runs travel as the JSON of docs/API.md: the
 * answers are that JSON, parsed, for the gateway to pass on.
 */
export class SchedulesClient {
  constructor(private readonly stub: SchedulesServiceClient) {}

  async create(body: unknown, context: CallContext): Promise<unknown> {
    return json(
      await callUnary(this.stub.createSchedule.bind(this.stub), { bodyJson: JSON.stringify(body) }, context),
    );
  }

  async list(context: CallContext): Promise<unknown[]> {
    const answer = await callUnary<object, JsonList>(this.stub.listSchedules.bind(this.stub), {}, context);
    return answer.json.map((text) => JSON.parse(text) as unknown);
  }

  async get(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.getSchedule.bind(this.stub), { id }, context));
  }

  async update(id: string, expectedVersion: number, body: unknown, context: CallContext): Promise<unknown> {
    const request = { id, expectedVersion, bodyJson: JSON.stringify(body) };
    return json(await callUnary(this.stub.updateSchedule.bind(this.stub), request, context));
  }

  async delete(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.deleteSchedule.bind(this.stub), { id }, context));
  }

  async setPaused(id: string, paused: boolean, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.setSchedulePaused.bind(this.stub), { id, paused }, context));
  }

  async runs(id: string, context: CallContext): Promise<unknown[]> {
    const answer = await callUnary<{ id: string }, JsonList>(
      this.stub.listScheduleRuns.bind(this.stub),
      { id },
      context,
    );
    return answer.json.map((text) => JSON.parse(text) as unknown);
  }

  async runNow(id: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.runScheduleNow.bind(this.stub), { id }, context));
  }

  /** The schedule run behind an export, for its owner or a recipient of its mail (NOT_FOUND for anyone else). */
  async scheduledExport(exportId: string, context: CallContext): Promise<unknown> {
    return json(await callUnary(this.stub.getScheduledExport.bind(this.stub), { exportId }, context));
  }

  /** The schedule runner's: queued runs, each handed to one caller only. */
  async take(limit: number, context: CallContext): Promise<DueRun[]> {
    return (
      await callUnary<{ limit: number }, DueRuns>(
        this.stub.takeScheduleRuns.bind(this.stub),
        { limit },
        context,
      )
    ).runs;
  }

  /** The schedule runner's: runs whose export has not ended yet. */
  async started(context: CallContext): Promise<DueRun[]> {
    return (await callUnary<object, DueRuns>(this.stub.listStartedScheduleRuns.bind(this.stub), {}, context))
      .runs;
  }

  async runStarted(runId: string, exportId: string, context: CallContext): Promise<void> {
    await callUnary(this.stub.scheduleRunStarted.bind(this.stub), { runId, exportId }, context);
  }

  async finishRun(request: FinishScheduleRunRequest, context: CallContext): Promise<void> {
    await callUnary(this.stub.finishScheduleRun.bind(this.stub), request, context);
  }
}

function json(message: { json: string }): unknown {
  return JSON.parse(message.json) as unknown;
}
