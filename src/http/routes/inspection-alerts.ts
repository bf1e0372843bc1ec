/**
 * 劳动保障监察: an employer's supervision alerts naming the worker. The list masks the name and
 * ID number; one alert in full is an explicit read with a purpose, logged and shown to the worker.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { todayInShanghai } from '../../domain/calendar.ts';
import type { NamedAlerts } from '../../services/named-alerts.ts';
import { text } from '../../support/text.ts';
import { officialOf } from '../plugins/auth.ts';
import { profileView } from '../profile-schema.ts';
import { calendarDate } from '../schemas.ts';
import { alertPage, alertView } from './self-check.ts';

export interface InspectionAlertRouteDeps {
  namedAlerts: NamedAlerts;
}

const reason = z.object({
  purpose: text(200, { min: 2 }).describe('why the record is read (shown to the worker)'),
  caseNumber: text(60).optional().describe('案号 / 业务编号'),
});
const config = { resource: 'employer.file' as const };
const tags = ['government'];
const employerView = z.object({ name: z.string(), uscc: z.string(), regionCode: z.string() });
const params = z.object({ uscc: z.string().length(18) });

export const inspectionAlertRoutes =
  (deps: InspectionAlertRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/inspection/employers/:uscc/alerts',
      {
        config,
        schema: {
          tags,
          summary: '劳动保障监察: one employer’s alerts, each naming the worker masked (张**, 140105********2418), paged by alert id (logged)',
          params,
          querystring: reason.extend({ asOf: calendarDate.optional(), ...alertPage }),
          response: {
            200: z.object({
              employer: employerView.extend({ profile: profileView }),
              asOf: z.iso.date(),
              total: z.number(),
              next: z.string().nullable(),
              items: z.array(alertView.extend({ worker: z.object({ nameMasked: z.string(), idNumberMasked: z.string() }).nullable() })),
            }),
          },
        },
      },
      async (request) => {
        const { asOf, after, limit, ...why } = request.query;
        return deps.namedAlerts.forOfficial(officialOf(request), request.params.uscc, asOf ?? todayInShanghai(), { limit, ...(after ? { after } : {}) }, why);
      },
    );

    app.get(
      '/inspection/employers/:uscc/alerts/:alertId',
      {
        config,
        schema: {
          tags,
          summary: '劳动保障监察: one alert with the worker’s full name and ID number; an official read with its purpose, logged and shown to the worker in 我的合同',
          params: params.extend({ alertId: z.string().regex(/^[0-9a-f]{32}$/) }),
          querystring: reason.extend({ asOf: calendarDate.optional() }),
          response: { 200: z.object({ employer: employerView, asOf: z.iso.date(), alert: alertView.extend({ worker: z.object({ name: z.string(), idNumber: z.string() }).nullable() }) }) },
        },
      },
      async (request) => {
        const { asOf, ...why } = request.query;
        return deps.namedAlerts.oneForOfficial(officialOf(request), request.params.uscc, request.params.alertId, asOf ?? todayInShanghai(), why);
      },
    );
  };
