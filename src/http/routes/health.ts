import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';

const check = z.object({ ok: z.boolean(), detail: z.string().optional() });
/** What the bucket enforces by itself (src/storage/archive.ts); without lock, only the application keeps objects. */
const objectStore = check.extend({
  objectLock: z.boolean().describe('the engine refuses deleting or shortening the retention of an archived version'),
  versioning: z.boolean(),
  defaultRetention: z.object({ mode: z.string(), days: z.number() }).nullable(),
  legalHolds: z.boolean().describe('legal holds of open arbitration/inspection cases are enforced by the engine'),
});
const readiness = z.object({ status: z.enum(['ready', 'not_ready']), database: check, objectStore, embedded: z.object({ postgres: z.boolean(), s3: z.boolean() }) });

/** What the health routes call. */
export type HealthRouteDeps = Pick<Platform, 'readiness'>;

export const healthRoutes =
  (deps: HealthRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', { config: { resource: 'public' }, schema: { tags: ['health'], summary: 'Process liveness', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
      status: 'ok' as const,
    }));

    app.get(
      '/readyz',
      {
        config: { resource: 'public', rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Readiness: database and object store answer; what the store enforces (object lock, versioning)',
          response: {
            200: readiness,
            503: readiness,
          },
        },
      },
      async (_request, reply) => {
        const { ready, ...checks } = await deps.readiness.check();
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', ...checks });
      },
    );
  };
