import 'reflect-metadata';
import type { NextFunction, Request, Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectStore } from '@aurora/export-jobs';
import { httpTelemetry, logger, serveMetrics, startTelemetry } from '@aurora/observability';
import { queryJsonSchema } from '@aurora/query-model';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { gatewayConfig, type GatewayConfig } from './config';
import { GrpcClients } from './http/grpc-clients';
import {
  CSP_NONCE_PLACEHOLDER,
  cspNonce,
  securityHeaders,
  type WebAppOrigins,
} from './http/security-headers';

const log = logger('gateway');

async function main(): Promise<void> {
  const config = gatewayConfig();
  const tracing = startTelemetry('gateway', config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  app.use(httpTelemetry(log)); // first: every request is timed, traced and logged, refused ones too
  const webApp = existsSync(join(config.WEB_ROOT, 'index.html')) ? await webAppOrigins(config) : null;
  app.use(securityHeaders(webApp)); // before any handler: refusals (401, 413, 429) get them too
  app.set('trust proxy', config.TRUSTED_PROXIES);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.BODY_LIMIT_BYTES });
  // The browser's CSV download form (FormToken): the query JSON, percent-encoded, may be about 3x larger.
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT_BYTES * 3, extended: false });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Aurora API')
      .setDescription(
        'Self-service reporting: catalog, queries and exports. Errors are application/problem+json.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Query: queryJsonSchema() },
  };
  SwaggerModule.setup('api/docs', app, document);

  if (webApp) serveWebApp(app, config.WEB_ROOT, config.OIDC_ISSUER);

  const metrics = await serveMetrics({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    ready: () => app.get(GrpcClients).reachable(2000),
  });
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  log.info('gateway listening', {
    url: `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`,
    grpcTls: config.GRPC_TLS_MODE,
    metrics: metrics?.url,
  });
  const stop = (): void => {
    // The providers' shutdown hooks close the export queue, the object store and the gRPC clients.
    void app.close().finally(() => void Promise.all([metrics?.close(), tracing.shutdown()]));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  log.error('gateway failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

/** What the web app's page talks to: the issuer it signs in with and the object store it downloads from. */
async function webAppOrigins(config: GatewayConfig): Promise<WebAppOrigins> {
  const store = ObjectStore.fromEnv(config);
  try {
    return { issuer: new URL(config.OIDC_ISSUER).origin, downloads: await store.downloadOrigin() };
  } finally {
    store.close();
  }
}

/**
 * The single-page app: its files, and index.html for any other GET outside /api (client-side routes), told
 * which OpenID Connect issuer to sign in with (`<meta name="aurora-issuer">`) and the nonce of its policy.
 */
function serveWebApp(app: NestExpressApplication, root: string, issuer: string): void {
  const indexPath = join(root, 'index.html');
  const meta = `<meta name="aurora-issuer" content="${issuer.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}" />`;
  // Read at each request (a few kB): a rebuilt app is served without restarting the gateway.
  const index = (): string => readFileSync(indexPath, 'utf8').replace('</head>', `  ${meta}\n  </head>`);
  app.useStaticAssets(root, { index: false, maxAge: '1h' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || request.path.startsWith('/api/')) {
      next();
      return;
    }
    response.setHeader('Cache-Control', 'no-cache');
    // A new nonce each time: the page and so its ETag always differ, and no 304 can pair a cached page with
    // another response's policy.
    response.type('html').send(index().replaceAll(CSP_NONCE_PLACEHOLDER, cspNonce(response)));
  });
  log.info('serving the web app', { root });
}
