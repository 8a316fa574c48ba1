import type { AuditAction } from '@aurora/audit';
import type { CallContext, Caller } from '@aurora/proto';
import { Body, Delete, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Audited } from '../audit/audited';
import { CurrentCaller } from '../auth/auth.guard';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { requiredIfMatchVersion } from '../http/if-match';

/** The metadata service's calls for what only its owner sees: schedules and alerts (an alert's runs are its checks). */
export interface OwnedClient<B> {
  create(body: B, context: CallContext): Promise<unknown>;
  list(context: CallContext): Promise<unknown[]>;
  get(id: string, context: CallContext): Promise<unknown>;
  update(id: string, expectedVersion: number, body: B, context: CallContext): Promise<unknown>;
  delete(id: string, context: CallContext): Promise<unknown>;
  setPaused(id: string, paused: boolean, context: CallContext): Promise<unknown>;
  runs(id: string, context: CallContext): Promise<unknown[]>;
  runNow(id: string, context: CallContext): Promise<unknown>;
}

/** A kind of owned thing: its noun, how its body is validated, and the audit action of a run-now. */
export interface OwnedKind<B> {
  readonly noun: 'schedule' | 'alert';
  readonly parse: (body: unknown) => B;
  readonly runAction: AuditAction;
}

/**
 * The HTTP routes of schedules and alerts (docs/API.md, "Schedules" and "Alerts"), which work alike: only the
 * owner sees or changes one (the metadata service answers anyone else NOT_FOUND), updates need a current If-Match,
 * pause and resume, the runs listed newest first, a run now. A controller of a kind extends this under
 * `api/v1/{noun}s` and says how to reach its client.
 */
export function OwnedRoutes<B>(kind: OwnedKind<B>) {
  const { noun } = kind;
  // Its hooks are public: TypeScript declares no protected member of a class a function returns (TS4094).
  abstract class Routes {
    abstract owned(): OwnedClient<B>;
    abstract context(caller: Caller, response: Response): CallContext;

    @Post()
    @Audited(`${noun}.create`, 'announce')
    async create(
      @CurrentCaller() caller: Caller,
      @Body(BodyDepthPipe) body: unknown,
      @Res({ passthrough: true }) response: Response,
    ) {
      const created = await this.owned().create(kind.parse(body), this.context(caller, response));
      response.status(201).setHeader('Location', `/api/v1/${noun}s/${(created as { id: string }).id}`);
      return withETag(response, created);
    }

    @Get()
    async list(@CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
      return { items: await this.owned().list(this.context(caller, response)) };
    }

    @Get(':id')
    async get(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return withETag(response, await this.owned().get(id, this.context(caller, response)));
    }

    @Put(':id')
    @Audited(`${noun}.update`, 'announce')
    async update(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Headers('if-match') ifMatch: string | undefined,
      @Body(BodyDepthPipe) body: unknown,
      @Res({ passthrough: true }) response: Response,
    ) {
      const expected = requiredIfMatchVersion(ifMatch, noun);
      const parsed = kind.parse(body);
      return withETag(
        response,
        await this.owned().update(id, expected, parsed, this.context(caller, response)),
      );
    }

    @Delete(':id')
    @Audited(`${noun}.delete`, 'announce')
    async delete(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return this.owned().delete(id, this.context(caller, response));
    }

    @Post(':id/pause')
    @Audited(`${noun}.pause`, 'announce')
    @HttpCode(200)
    async pause(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return withETag(response, await this.owned().setPaused(id, true, this.context(caller, response)));
    }

    @Post(':id/resume')
    @Audited(`${noun}.resume`, 'announce')
    @HttpCode(200)
    async resume(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return withETag(response, await this.owned().setPaused(id, false, this.context(caller, response)));
    }

    @Get(':id/runs')
    async runs(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return { items: await this.owned().runs(id, this.context(caller, response)) };
    }

    /** Queued now; the gateway's runner takes it within a poll interval. */
    @Post(':id/run-now')
    @Audited(kind.runAction, 'announce')
    @HttpCode(202)
    async runNow(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      response.setHeader('Location', `/api/v1/${noun}s/${id}/runs`);
      return this.owned().runNow(id, this.context(caller, response));
    }
  }
  return Routes;
}

/**
 * The ETag is the version If-Match names, but runs and checks change `failing`, `nextRunAt`, `state` and
 * `lastCheck` without a new version: no cache may keep the answer, or a browser's conditional GET would get a
 * 304 and show the old state.
 */
function withETag(response: Response, owned: unknown): unknown {
  response.setHeader('ETag', `"${(owned as { version: number }).version}"`);
  response.setHeader('Cache-Control', 'no-store');
  return owned;
}
