/**
 * The employer's own views: its roster list (职工名册, cursor-paged, filtered), its 自查
 * (self-check) alerts naming its workers, and its organisation profile.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { todayInShanghai } from '../../domain/calendar.ts';
import type { NamedAlerts } from '../../services/named-alerts.ts';
import type { OrganisationProfiles } from '../../services/organisation-profile.ts';
import type { RosterQueries } from '../../services/roster-queries.ts';
import { principalOf } from '../plugins/auth.ts';
import { profileBody, profileView } from '../profile-schema.ts';
import { calendarDate } from '../schemas.ts';
import { Problem } from '../../problem.ts';

export interface SelfCheckRouteDeps {
  rosterQueries: RosterQueries;
  namedAlerts: NamedAlerts;
  organisationProfiles: OrganisationProfiles;
}

const tags = ['roster'];
const limit = z.coerce.number().int().min(1).max(500).default(100);
/** A page of alerts: after the alert id that ended the previous one. */
export const alertPage = {
  after: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional()
    .describe('the `next` of the previous page'),
  limit,
};
const severity = z.string();

export const alertView = z.object({
  id: z.string(),
  code: z.string(),
  article: z.string(),
  severity,
  messageZh: z.string(),
  messageEn: z.string(),
  contractId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const selfCheckRoutes =
  (deps: SelfCheckRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    /** The calling employer's organisation id. */
    const employer = (request: Parameters<typeof principalOf>[0]) => {
      const principal = principalOf(request);
      if (principal.kind !== 'employer') throw Problem.forbidden('Only employers do this.');
      return principal.organisationId;
    };

    app.get(
      '/roster/entries',
      {
        config: { resource: 'roster' },
        schema: {
          tags,
          summary: 'Your roster (职工名册), oldest entry first, paged with a cursor; filter employed / separated and with / without a written contract in force',
          querystring: z.object({
            status: z.enum(['active', 'separated']).optional(),
            contract: z.enum(['with', 'without']).optional().describe('with: the worker has a signed contract in force with you'),
            after: z.uuid().optional().describe('the `next` of the previous page'),
            limit,
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  worker: z.object({ name: z.string(), idNumber: z.string() }),
                  employmentForm: z.string(),
                  hireDate: z.iso.date(),
                  separationDate: z.iso.date().nullable(),
                  separationKind: z.string().nullable(),
                  post: z.string().nullable(),
                  writtenContract: z.object({ id: z.string(), number: z.string() }).nullable(),
                }),
              ),
              next: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const { after, limit, ...filter } = request.query;
        return deps.rosterQueries.list(employer(request), filter, { limit, ...(after ? { after } : {}) });
      },
    );

    app.get(
      '/roster/self-check',
      {
        config: { resource: 'roster' },
        schema: {
          tags,
          summary: '自查: your supervision alerts on a day, each naming the worker, paged by alert id (asOf defaults to today in Beijing time)',
          querystring: z.object({ asOf: calendarDate.optional(), ...alertPage }),
          response: {
            200: z.object({
              asOf: z.iso.date(),
              headcount: z.object({ active: z.number(), contracted: z.number(), dispatchedIn: z.number(), partTime: z.number() }),
              signing: z.object({ required: z.number(), signed: z.number(), rate: z.number().optional() }),
              total: z.number(),
              items: z.array(alertView.extend({ worker: z.object({ name: z.string(), idNumber: z.string() }).nullable() })),
              next: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const { asOf, after, limit } = request.query;
        return deps.namedAlerts.selfCheck(employer(request), asOf ?? todayInShanghai(), { limit, ...(after ? { after } : {}) });
      },
    );

    app.get(
      '/employers/me/profile',
      // 'roster': the employer's own records, no official's grant (officials read the profile in the employer views).
      { config: { resource: 'roster' }, schema: { tags: ['employers'], summary: 'Your organisation profile: 控股情况, GB/T 4754-2017 门类, size band', response: { 200: profileView } } },
      async (request) => deps.organisationProfiles.get(employer(request)),
    );

    app.put(
      '/employers/me/profile',
      {
        config: { resource: 'roster' },
        schema: { tags: ['employers'], summary: 'Update your organisation profile (fields left out stay; null clears); audited', body: profileBody, response: { 200: profileView } },
      },
      async (request) => deps.organisationProfiles.update(employer(request), request.body, { kind: 'employer', id: principalOf(request).principalId }),
    );
  };
