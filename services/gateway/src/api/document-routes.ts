import type { CallContext, Caller, ReportShare } from '@aurora/proto';
import { parseReportShares } from '@aurora/query-model';
import { Body, Delete, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Audited } from '../audit/audited';
import { CurrentCaller } from '../auth/auth.guard';
import { BodyDepthPipe } from '../http/body-depth.pipe';
import { ifMatchVersion } from '../http/if-match';
import { toGrpcShare } from './document-params';

/** What the metadata service answers for a saved document of either kind (a Report, a Dashboard). */
interface StoredDocument {
  readonly version: number;
}

/** A document's versions as the metadata service lists them. */
interface DocumentVersions<C> {
  readonly versions: readonly {
    readonly version: number;
    readonly content: C;
    readonly author: unknown;
    readonly createdAt: string;
  }[];
}

/** The calls every kind of saved document answers alike (ReportsClient, DashboardsClient). */
export interface DocumentClient<D extends StoredDocument, C> {
  delete(id: string, context: CallContext): Promise<D>;
  restore(id: string, context: CallContext): Promise<D>;
  versions(id: string, context: CallContext): Promise<DocumentVersions<C>>;
  restoreVersion(id: string, version: number, expectedVersion: number, context: CallContext): Promise<D>;
  setShares(id: string, shares: readonly ReportShare[], context: CallContext): Promise<D>;
  setFavourite(id: string, favourite: boolean, context: CallContext): Promise<D>;
}

/**
 * The routes reports and dashboards share (docs/API.md, "Saved reports" and "Dashboards": the same trash,
 * versions, shares and favourites, kept by the metadata service's one DocumentStore): a controller of `kind`
 * extends this and says how to reach its client and how a document of it is answered. Its own routes (list,
 * folders, get, create, update, and what runs data) stay in the controller, so `GET {kind}s/folders` is
 * registered before `GET {kind}s/:id`.
 */
export function DocumentRoutes<D extends StoredDocument, C>(kind: 'report' | 'dashboard') {
  const one = `${kind}s/:id`;
  // Its hooks are public: TypeScript declares no protected member of a class a function returns (TS4094).
  abstract class Routes {
    abstract documents(): DocumentClient<D, C>;
    abstract context(caller: Caller, response: Response): CallContext;
    /** A document as the API answers it. */
    abstract body(document: D): unknown;
    /** A version's content as the API answers it. */
    abstract contentBody(content: C): object;

    /** The document with its ETag, the version If-Match names. */
    withETag(response: Response, document: D): unknown {
      response.setHeader('ETag', `"${document.version}"`);
      return this.body(document);
    }

    @Delete(one)
    @Audited(`${kind}.delete`, 'announce')
    async delete(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return this.body(await this.documents().delete(id, this.context(caller, response)));
    }

    @Post(`${one}/restore`)
    @Audited(`${kind}.restore`, 'announce')
    @HttpCode(200)
    async restore(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return this.withETag(response, await this.documents().restore(id, this.context(caller, response)));
    }

    @Get(`${one}/versions`)
    async versions(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      const { versions } = await this.documents().versions(id, this.context(caller, response));
      return {
        items: versions.map((v) => ({
          version: v.version,
          ...this.contentBody(v.content),
          author: v.author,
          createdAt: v.createdAt,
        })),
      };
    }

    @Post(`${one}/versions/:version/restore`)
    @Audited(`${kind}.update`, 'announce')
    @HttpCode(200)
    async restoreVersion(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Param('version', ParseIntPipe) version: number,
      @Headers('if-match') ifMatch: string | undefined,
      @Res({ passthrough: true }) response: Response,
    ) {
      const expected = ifMatchVersion(ifMatch, kind) ?? 0;
      const context = this.context(caller, response);
      return this.withETag(response, await this.documents().restoreVersion(id, version, expected, context));
    }

    @Put(`${one}/shares`)
    @Audited(`${kind}.share`, 'announce')
    async setShares(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Body(BodyDepthPipe) shares: unknown,
      @Res({ passthrough: true }) response: Response,
    ) {
      const parsed = parseReportShares(shares).map(toGrpcShare);
      return this.body(await this.documents().setShares(id, parsed, this.context(caller, response)));
    }

    @Put(`${one}/favourite`)
    async favourite(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return this.body(await this.documents().setFavourite(id, true, this.context(caller, response)));
    }

    @Delete(`${one}/favourite`)
    async unfavourite(
      @CurrentCaller() caller: Caller,
      @Param('id') id: string,
      @Res({ passthrough: true }) response: Response,
    ) {
      return this.body(await this.documents().setFavourite(id, false, this.context(caller, response)));
    }
  }
  return Routes;
}
