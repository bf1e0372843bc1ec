/**
 * The HTTP application: Fastify with zod type provider, security headers, rate limiting,
 * problem+json errors, OpenAPI at /openapi.json and a UI at /docs. Routes stay thin and call
 * services; this file only wires them.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../runtime.ts';
import { maskPersonalNumbers, redactedLogPaths } from '../security/redact.ts';
import { registerAuth } from './plugins/auth.ts';
import { frameworkErrors, registerErrorHandling } from './plugins/errors.ts';
import { registerJsonParser } from './json-body.ts';
import { adminRoutes } from './routes/admin.ts';
import { contractRoutes } from './routes/contracts.ts';
import { consoleRoutes } from './routes/console.ts';
import { devRoutes } from './routes/dev.ts';
import { signingRoutes } from './routes/signing.ts';
import { portalRoutes } from './routes/portal.ts';
import { sealAuthorisationRoutes } from './routes/seal-authorisations.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { rosterRoutes } from './routes/roster.ts';
import { selfCheckRoutes } from './routes/self-check.ts';
import { inspectionAlertRoutes } from './routes/inspection-alerts.ts';
import { supervisionOverviewRoutes } from './routes/supervision-overview.ts';
import { governmentRoutes } from './routes/government.ts';
import { caseRoutes } from './routes/cases.ts';
import { batchRoutes } from './routes/batches.ts';
import { paperContractRoutes } from './routes/paper-contracts.ts';
import { xlsxMediaType } from '../sheets/xlsx.ts';
import { SHEET_LIMITS } from '../sheets/limits.ts';
import { employerRoutes } from './routes/employers.ts';
import { healthRoutes } from './routes/health.ts';
import { pageRoutes, webPageFiles } from './routes/pages.ts';
import { WebFontsService } from '../services/web-fonts.ts';
import { pkiRoutes } from './routes/pki.ts';
import { verifyRoutes } from './routes/verify.ts';

/** Fastify's trustProxy from the configured value: a hop count becomes "the nearest n hops". */
function trustedProxies(trust: false | number | string[]): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export async function buildApp(platform: Platform, opts: { logger?: boolean; logLevel?: string; logStream?: { write(line: string): void } } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: opts.logLevel ?? platform.config.LOG_LEVEL,
            redact: redactedLogPaths,
            // URLs carry no ID number by design (lookups are POST bodies); any that still do are masked.
            serializers: { req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: maskPersonalNumbers(request.url), remoteAddress: request.ip }) },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          },
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 25 * 1024 * 1024,
    frameworkErrors,
    // X-Forwarded-For only from configured proxies; by default the socket's address is the client's.
    trustProxy: trustedProxies(platform.config.TRUST_PROXY),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerJsonParser(app);
  // PDFs, OCSP requests and timestamp queries arrive as raw bytes.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: SHEET_LIMITS.csvBytes }, (_request, body, done) => done(null, body));
  app.addContentTypeParser(xlsxMediaType, { parseAs: 'buffer', bodyLimit: SHEET_LIMITS.xlsxBytes }, (_request, body, done) => done(null, body));
  app.addContentTypeParser(
    ['application/pdf', 'application/ocsp-request', 'application/timestamp-query', 'application/octet-stream', 'image/png', 'image/jpeg'],
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );

  await app.register(helmet, {
    // The API docs UI and the worker pages load their own scripts and styles only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:', 'blob:'],
      },
    },
  });
  // JSON and text answers compressed as the client accepts (brotli at the plugin's fast level); the pages' static files come precompressed (routes/pages.ts).
  await app.register(compress, { encodings: ['br', 'gzip'], globalDecompression: false });
  await app.register(rateLimit, { max: platform.config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'LaborSign API', version: '1.0.0', description: 'Electronic labor contracts (电子劳动合同): templates, signing, archive, government access.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key issued by an administrator' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { config: { resource: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // Each plugin gets only the services its handlers call (its *RouteDeps), not the platform; everything is built in src/runtime.ts.
  const p = platform;
  registerAuth(app, p.principals);
  await app.register(healthRoutes({ readiness: p.readiness }));
  await app.register(adminRoutes({ organisations: p.organisations, dailySupervision: p.dailySupervision, lifecycle: p.lifecycle }), { prefix: '/api/v1/admin' });
  await app.register(employerRoutes({ organisations: p.organisations }), { prefix: '/api/v1' });
  await app.register(
    contractRoutes({
      organisations: p.organisations,
      templates: p.templates,
      contracts: p.contracts,
      sealAuthorisations: p.sealAuthorisations,
      sealing: p.sealing,
      workerSigning: p.workerSigning,
      lifecycle: p.lifecycle,
      terminations: p.terminations,
      attachments: p.attachments,
      contractQueries: p.contractQueries,
    }),
    { prefix: '/api/v1' },
  );
  await app.register(consoleRoutes({ staffAccounts: p.staffAccounts, contractListing: p.contractListing }), { prefix: '/api/v1' });
  await app.register(signingRoutes({ workerSigning: p.workerSigning }), { prefix: '/api/v1' });
  await app.register(portalRoutes({ workerPortal: p.workerPortal, officialAccess: p.officialAccess }), { prefix: '/api/v1' });
  await app.register(sealAuthorisationRoutes({ organisations: p.organisations, sealAuthorisations: p.sealAuthorisations, templates: p.templates }), { prefix: '/api/v1' });
  await app.register(rosterRoutes({ organisations: p.organisations, supervision: p.supervision }), { prefix: '/api/v1' });
  await app.register(governmentRoutes({ officialAccess: p.officialAccess, employmentHires: p.employmentHires, evidence: p.evidence }), { prefix: '/api/v1' });
  await app.register(selfCheckRoutes({ rosterQueries: p.rosterQueries, namedAlerts: p.namedAlerts, organisationProfiles: p.organisationProfiles }), { prefix: '/api/v1' });
  await app.register(inspectionAlertRoutes({ namedAlerts: p.namedAlerts }), { prefix: '/api/v1' });
  await app.register(supervisionOverviewRoutes({ supervisionOverview: p.supervisionOverview }), { prefix: '/api/v1' });
  await app.register(caseRoutes({ legalHolds: p.legalHolds }), { prefix: '/api/v1' });
  await app.register(batchRoutes({ organisations: p.organisations, batches: p.batches }), { prefix: '/api/v1' });
  await app.register(paperContractRoutes({ paperContracts: p.paperContracts }), { prefix: '/api/v1' });
  await app.register(webhookRoutes({ webhooks: p.webhooks }), { prefix: '/api/v1' });
  await app.register(pkiRoutes({ certificates: p.certificates }));
  await app.register(verifyRoutes({ verifier: p.verifier }));
  await app.register(
    pageRoutes({
      webFonts: new WebFontsService({ cacheDir: p.config.WEB_FONT_CACHE_DIR ?? path.join(p.config.DATA_DIR, 'web-fonts'), pageFiles: webPageFiles }),
      rareGlyphsPerMinute: p.config.RARE_GLYPHS_PER_MINUTE,
    }),
  );
  if (p.config.NODE_ENV !== 'production' && !p.config.SMS_GATEWAY_URL) await app.register(devRoutes({ outbox: p.outbox }), { prefix: '/api/v1/dev' });
  return app;
}
