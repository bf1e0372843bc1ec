/**
 * 劳动保障监察 at province scale: a region's stored figures with its cities or counties and trend,
 * and its employers ranked by risk, paged by a cursor over one stored run, or as CSV.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { todayInShanghai } from '../../domain/calendar.ts';
import { industrySections, ownershipCodes, sizeClasses } from '../../domain/reference/organisation-profile.ts';
import type { SupervisionOverview } from '../../services/supervision-overview.ts';
import { toCsv } from '../../sheets/csv.ts';
import { text } from '../../support/text.ts';
import { officialOf } from '../plugins/auth.ts';
import { profileView } from '../profile-schema.ts';
import { calendarDate, dayView, rawAnswer } from '../schemas.ts';

export interface SupervisionOverviewRouteDeps {
  supervisionOverview: SupervisionOverview;
}

const config = { resource: 'employer.file' as const };
const tags = ['government'];
const reason = {
  purpose: text(200, { min: 2 }).describe('why the figures are read (logged)'),
  caseNumber: text(60).optional().describe('案号 / 业务编号'),
};
const region = z
  .string()
  .regex(/^\d{2}(\d{2}(\d{2})?)?$/)
  .describe('行政区划代码 or its prefix: 14 (山西省), 1408 (运城市), 140802 (盐湖区)');
const filters = {
  ownership: z.enum(ownershipCodes).optional().describe('控股情况 code'),
  industry: z.enum(industrySections).optional().describe('GB/T 4754-2017 门类'),
  sizeClass: z.enum(sizeClasses).optional(),
  atRisk: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .describe('only employers with workers owed a written contract who have none'),
};
const regionFigures = z.object({
  code: z.string(),
  name: z.string().nullable(),
  level: z.enum(['province', 'city', 'county']),
  headcount: z.number().int(),
  required: z.number().int().describe('owed a written contract'),
  signed: z.number().int().describe('of those, bound by one on the day'),
  unsigned: z.number().int().describe('owed a written contract and without one (劳动合同法第十条、第八十二条)'),
  signingRate: z.number().nullable(),
  employers: z.number().int(),
});
const rankedEmployer = z.object({
  organisationId: z.string(),
  name: z.string(),
  uscc: z.string(),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  profile: profileView,
  headcount: z.number().int(),
  required: z.number().int(),
  signed: z.number().int(),
  unsigned: z.number().int(),
  signingRate: z.number().nullable(),
});
const runDate = dayView.nullable().describe('the stored supervision run read (the latest on or before `asOf`); null before the first run');

/** A text cell a spreadsheet would run as a formula is kept as text. */
const cell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

export const supervisionOverviewRoutes =
  (deps: SupervisionOverviewRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/inspection/overview',
      {
        config,
        schema: {
          tags,
          summary: '劳动保障监察: a region’s head count and written-contract figures with its cities or counties and trend, from the stored daily run (logged)',
          querystring: z.object({ region, asOf: calendarDate.optional(), ...reason }),
          response: {
            200: z.object({
              asOf: runDate,
              region: regionFigures,
              children: z.array(regionFigures),
              trend: z.array(z.object({ asOf: dayView, headcount: z.number().int(), required: z.number().int(), signed: z.number().int(), signingRate: z.number().nullable() })),
            }),
          },
        },
      },
      async (request) => {
        const { region, asOf, ...why } = request.query;
        return deps.supervisionOverview.region(officialOf(request), region, asOf ?? todayInShanghai(), why);
      },
    );

    app.get(
      '/inspection/ranking',
      {
        config,
        schema: {
          tags,
          summary: '劳动保障监察: employers of a region ranked by workers without a written contract, then head count; cursor paging over one stored run (logged)',
          querystring: z.object({
            region,
            asOf: calendarDate.optional(),
            ...filters,
            after: z.string().max(400).optional().describe('the `next` of the previous page; a cursor of a recomputed run answers 409'),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            ...reason,
          }),
          response: {
            200: z.object({
              asOf: runDate,
              region: z.object({ code: z.string(), name: z.string().nullable() }),
              total: z.number().int().nullable().describe('on the first page only'),
              next: z.string().nullable(),
              items: z.array(rankedEmployer),
            }),
          },
        },
      },
      async (request) => {
        const { region, asOf, ownership, industry, sizeClass, atRisk, after, limit, ...why } = request.query;
        return deps.supervisionOverview.ranking(officialOf(request), region, asOf ?? todayInShanghai(), { ownership, industry, sizeClass, atRisk }, { limit, ...(after ? { after } : {}) }, why);
      },
    );

    app.get(
      '/inspection/ranking.csv',
      {
        config,
        schema: {
          tags,
          summary: '劳动保障监察: the whole ranking of a region as CSV (UTF-8 with BOM; logged)',
          querystring: z.object({ region, asOf: calendarDate.optional(), ...filters, ...reason }),
          response: { 200: rawAnswer('CSV, UTF-8 with BOM: 排名, 用人单位, 统一社会信用代码, 行政区划, 用工人数, 应签人数, 已签人数, 未签人数, 签订率, 数据日期', 'text/csv') },
        },
      },
      async (request, reply) => {
        const { region, asOf, ownership, industry, sizeClass, atRisk, ...why } = request.query;
        const ranked = await deps.supervisionOverview.rankingRows(officialOf(request), region, asOf ?? todayInShanghai(), { ownership, industry, sizeClass, atRisk }, why);
        const rows = [
          ['排名', '用人单位', '统一社会信用代码', '行政区划', '用工人数', '应签人数', '已签人数', '未签人数', '签订率', '数据日期'],
          ...ranked.rows.map((row, i) => [
            String(i + 1),
            cell(row.name),
            row.uscc,
            row.regionName ?? row.regionCode,
            String(row.headcount),
            String(row.required),
            String(row.signed),
            String(row.unsigned),
            row.signingRate === null ? '' : `${(row.signingRate * 100).toFixed(1)}%`,
            ranked.asOf ?? '',
          ]),
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="ranking-${region}-${ranked.asOf ?? 'none'}.csv"`)
          .send(toCsv(rows));
      },
    );
  };
