/** Bulk batches: many contracts of one template, worked on by the shared job queue. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { principalOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';
import { organisationOf } from './contracts.ts';

const config = { access: ['employer' as const] };
const tags = ['batches'];

export const batchRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/batches',
      {
        config,
        bodyLimit: 50 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Submit a batch: shared field values plus one object per row; every bad row is reported; needs a seal authorisation for the template',
          headers: z.object({ 'idempotency-key': z.string().min(8).max(100).optional().describe('a retried submission with the same key creates nothing twice') }).loose(),
          body: z.object({
            templateId: z.string().min(1),
            shared: z.record(z.string(), z.unknown()).default({}),
            rows: z.array(z.record(z.string(), z.unknown())).min(1).max(20_000),
            allOrNothing: z.boolean().default(false),
            send: z.boolean().default(true).describe('send each signing link once sealed'),
          }),
        },
      },
      async (request, reply) => {
        const organisation = await organisationOf(platform, request);
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        const key = request.headers['idempotency-key'] as string | undefined;
        const { batch, errors, replayed } = await platform.batches.submit(organisation, request.body, key, actor);
        return reply.status(replayed ? 200 : 202).send({ id: batch.id, rows: batch.rowCount, replayed, errors });
      },
    );

    app.get(
      '/batches/:id',
      { config, schema: { tags, summary: 'Progress: rows by state, rate, ETA, failures', params: uuidParam } },
      async (request) => platform.batches.progress(await organisationOf(platform, request), request.params.id),
    );
  };
