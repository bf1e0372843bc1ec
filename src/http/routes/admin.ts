import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { text } from '../../support/text.ts';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { principalOf } from '../plugins/auth.ts';
import { calendarDate, organisationView, pageQuery, regionCode, sixDigitRegionCode, usccSchema } from '../schemas.ts';
import { todayInShanghai } from '../../domain/calendar.ts';
import { profileFields } from '../profile-schema.ts';

const newEmployer = z
  .object({
    kind: z.enum(['employer', 'dispatch_agency']).default('employer'),
    name: text(200, { min: 1 }).describe('单位名称'),
    uscc: usccSchema,
    legalRepresentative: text(100, { min: 1 }).describe('法定代表人'),
    address: text(300, { min: 1 }).describe('注册地 / 住所'),
    regionCode: sixDigitRegionCode,
    phone: text(40).optional(),
    dispatchLicence: text(100).optional().describe('劳务派遣经营许可证编号'),
    ...profileFields,
  })
  .meta({ examples: [{ name: '运城示例实业有限公司', uscc: '91350100M000100Y43', legalRepresentative: '张三', address: '山西省运城市盐湖区', regionCode: '140802' }] });

const newOfficial = z
  .object({
    name: text(100, { min: 1 }),
    role: z.enum(['insurance', 'arbitration', 'inspection', 'employment']),
    regionCode,
  })
  .meta({ examples: [{ name: '运城市劳动保障监察支队', role: 'inspection', regionCode: '1408' }] });

const admin = { resource: 'administration' as const };

/** What the administration routes call. */
export type AdminRouteDeps = Pick<Platform, 'organisations' | 'dailySupervision' | 'lifecycle'>;

export const adminRoutes =
  (deps: AdminRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/employers',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Register an employer or dispatch agency; returns its first API key (shown once)',
          body: newEmployer,
          response: { 201: organisationView.extend({ apiKey: z.string() }) },
        },
      },
      async (request, reply) => {
        const actor = { kind: 'admin' as const, id: principalOf(request).principalId };
        const { organisation, apiKey } = await deps.organisations.create(request.body, actor);
        return reply.status(201).send({ ...organisation, apiKey });
      },
    );

    app.get(
      '/employers',
      { config: admin, schema: { tags: ['admin'], summary: 'List organisations', querystring: pageQuery, response: { 200: z.object({ items: z.array(organisationView) }) } } },
      async (request) => ({ items: await deps.organisations.list(request.query) }),
    );

    app.post(
      '/officials',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Register a government official (social insurance, arbitration, inspection, employment) scoped to a region',
          body: newOfficial,
          response: { 201: z.object({ id: z.string(), name: z.string(), role: z.string(), regionCode: z.string(), apiKey: z.string() }) },
        },
      },
      async (request, reply) => {
        const actor = { kind: 'admin' as const, id: principalOf(request).principalId };
        const { official, apiKey } = await deps.organisations.createOfficial(request.body, actor);
        return reply.status(201).send({ ...official, apiKey });
      },
    );

    app.post(
      '/supervision/run',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Run the daily supervision now for a day (normally the scheduler does it once a day)',
          body: z.object({ asOf: calendarDate.optional() }),
          response: { 200: z.object({ asOf: z.iso.date(), ran: z.boolean(), employers: z.number() }) },
        },
      },
      async (request) => deps.dailySupervision.run(request.body.asOf ?? todayInShanghai()),
    );

    app.post(
      '/lifecycle/sweep',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Expire signing links and ended terms now (normally the hourly scheduler does it)',
          response: { 200: z.object({ linksExpired: z.number(), termsEnded: z.number() }) },
        },
      },
      async () => deps.lifecycle.sweep(),
    );
  };
