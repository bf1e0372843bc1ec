/** 劳动用工备案: the employer's roster, and its own supervision report (what an inspector would see). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { principalOf } from '../plugins/auth.ts';
import { organisationOf } from './contracts.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const config = { access: ['employer' as const] };
const tags = ['roster'];

export const rosterRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    const actorOf = (request: Parameters<typeof principalOf>[0]) => ({ kind: 'employer' as const, id: principalOf(request).principalId });

    app.post(
      '/roster/hires',
      {
        config,
        schema: {
          tags,
          summary: '用工备案: a worker starts work (the day the one-month written-contract clock starts)',
          body: z.object({
            worker: z.object({ name: z.string().trim().min(1).max(50), idNumber: z.string().trim().toUpperCase().min(15).max(18), phone: z.string().regex(/^1\d{10}$/).optional() }),
            hireDate: isoDate.describe('用工之日'),
            employmentForm: z.enum(['labor_contract', 'dispatch', 'part_time']),
            post: z.string().trim().max(100).optional(),
            postCategory: z.string().trim().max(100).optional(),
            agencyUscc: z.string().trim().length(18).optional().describe('for dispatched workers: the 劳务派遣单位'),
          }),
        },
      },
      async (request, reply) => {
        const entry = await platform.supervision.hire(await organisationOf(platform, request), request.body, actorOf(request));
        return reply.status(201).send({ id: entry.id, hireDate: request.body.hireDate });
      },
    );

    app.post(
      '/roster/separations',
      {
        config,
        schema: {
          tags,
          summary: '用工备案: a worker leaves (layoffs count toward the mass-layoff rule)',
          body: z.object({ idNumber: z.string().trim().toUpperCase().min(15).max(18), separationDate: isoDate, kind: z.enum(['layoff', 'resignation', 'expiry', 'other']) }),
        },
      },
      async (request) => {
        const entry = await platform.supervision.separate(await organisationOf(platform, request), request.body, actorOf(request));
        return { id: entry.id, separationDate: request.body.separationDate };
      },
    );

    app.get(
      '/roster/supervision',
      { config, schema: { tags, summary: 'Your own supervision report: head count, signing rate, alerts with their legal basis', querystring: z.object({ asOf: isoDate.optional() }) } },
      async (request) => platform.supervision.report(await organisationOf(platform, request), request.query.asOf ?? new Date().toISOString().slice(0, 10)),
    );
  };
