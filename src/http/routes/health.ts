import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';

const check = z.object({ ok: z.boolean(), detail: z.string().optional() });

export const healthRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      { config: { resource: 'public' }, schema: { tags: ['health'], summary: 'Process liveness', response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        config: { resource: 'public', rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Readiness: database and object store answer',
          response: {
            200: z.object({ status: z.enum(['ready', 'not_ready']), database: check, objectStore: check.extend({ objectLock: z.boolean() }), embedded: z.object({ postgres: z.boolean(), s3: z.boolean() }) }),
            503: z.object({ status: z.enum(['ready', 'not_ready']), database: check, objectStore: check.extend({ objectLock: z.boolean() }), embedded: z.object({ postgres: z.boolean(), s3: z.boolean() }) }),
          },
        },
      },
      async (_request, reply) => {
        const probe = async (work: () => Promise<unknown>) => {
          try {
            await work();
            return { ok: true };
          } catch (error) {
            return { ok: false, detail: (error as Error).message };
          }
        };
        const [database, objectStore] = await Promise.all([probe(() => platform.db.$queryRaw`select 1`), probe(() => platform.archive.ping())]);
        const ready = database.ok && objectStore.ok;
        return reply.status(ready ? 200 : 503).send({
          status: ready ? 'ready' : 'not_ready',
          database,
          objectStore: { ...objectStore, objectLock: platform.archive.objectLock },
          embedded: platform.embedded,
        });
      },
    );
  };
