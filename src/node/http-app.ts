import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, createSchemaCompilers, installAuth, type RouteEntry, sendProblem, toAppError, type Authenticator, type Logger } from '../kernel/index.js';
import { createMetrics, type Metrics } from './metrics.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpAppOptions {
  logger: Logger;
  bodyLimit: number;
  authenticator: Authenticator;
  title?: string;
  metrics?: Metrics;
}

/**
 * The HTTP shell every node (and every HTTP test) uses: strict validation, problem+json errors, authentication
 * declared per route, metrics and the OpenAPI document. Contexts register their routes as plugins on it.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<{ app: App; metrics: Metrics; routes: RouteEntry[]; compileSchemas: () => number }> {
  const compilers = createSchemaCompilers();
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit,
    // Plugins compile their schemas at start; on a loaded machine that may exceed Fastify's 10 s default.
    pluginTimeout: 60_000,
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // Each route's validators and serializers are compiled on first use (see createSchemaCompilers).
    schemaController: { compilersFactory: { buildSerializer: compilers.buildSerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(compilers.validatorCompiler);
  app.addContentTypeParser(['application/ld+json', 'application/problem+json'], { parseAs: 'string' }, (req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (e) {
      const err = e as Error & { statusCode?: number; code?: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });

  const metrics = opts.metrics ?? createMetrics();
  metrics.instrument(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.title ?? 'dases node', version: '0.1.0', description: 'Management API, Dataspace Protocol 2025-1 endpoints and discovery routes of a dases node.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
          nodeToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA, did:web issuer)' },
          transferToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT of one transfer, from its DSP DataAddress' },
          lrsBasic: { type: 'http', scheme: 'basic', description: 'xAPI client credentials (key and secret from POST /api/v1/lrs/clients)' },
          personSession: { type: 'http', scheme: 'bearer', description: 'A person\'s session token from sign-in (the dashboard sends it as the dases_session cookie)' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const routes = installAuth(app, opts.authenticator);

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toAppError(error, request)));
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new AppError('DS_HTTP_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
  return { app, metrics, routes, compileSchemas: compilers.compileAll };
}
