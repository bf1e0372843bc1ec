/** 劳动用工备案: the employer's roster, and its own supervision report (what an inspector would see). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { principalOf } from '../plugins/auth.ts';
import { toCsv, csvRecords } from '../../sheets/csv.ts';
import { employmentFormNames, rosterColumns, rosterHire } from '../schemas.ts';
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
          body: rosterHire,
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

    app.get('/roster/hires/example.csv', { config, schema: { tags, summary: 'An example roster sheet with the Chinese column headers the upload reads' } }, async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="roster-example.csv"')
        .send(toCsv([Object.keys(rosterColumns), ['王晓东', '140105199203152418', '13800000001', '2026-09-15', '劳动合同', '软件测试工程师', ''], ['李娜', '14080219950506122X', '', '2026-09-20', '劳务派遣', '客服专员', '91140105MA0L2Q7N5R']])),
    );

    app.post(
      '/roster/hires/bulk',
      {
        config,
        schema: {
          tags,
          summary: '用工备案 from a sheet (CSV, UTF-8, Chinese headers as in example.csv): every bad row reported with row, field and rule',
          consumes: ['text/csv'],
          querystring: z.object({ allOrNothing: z.enum(['true', 'false']).default('false').describe('true: write nothing unless every row is good') }),
        },
      },
      async (request, reply) => {
        const { header, records } = csvRecords(String(request.body ?? ''));
        const missing = ['姓名', '身份证号码', '用工起始日期', '用工形式'].filter((name) => !header.includes(name));
        if (missing.length) throw Problem.badRequest(missing.map((name) => ({ field: name, in: 'body', rule: 'column_required', message: `missing column ${name}`, messageZh: `缺少列“${name}”` })));
        const errors: { row: number; field: string; rule: string; message: string; messageZh: string }[] = [];
        const rows: { row: number; hire: z.output<typeof rosterHire> }[] = [];
        for (const { row, values } of records) {
          const value = (column: keyof typeof rosterColumns) => values[column] || undefined;
          const parsed = rosterHire.safeParse({
            worker: { name: value('姓名'), idNumber: value('身份证号码'), phone: value('手机号码') },
            hireDate: value('用工起始日期'),
            employmentForm: employmentFormNames[values['用工形式'] ?? ''] ?? values['用工形式'],
            post: value('岗位'),
            agencyUscc: value('派遣单位统一社会信用代码'),
          });
          if (parsed.success) rows.push({ row, hire: parsed.data });
          else {
            for (const issue of parsed.error.issues) {
              const path = issue.path.join('.');
              const column = Object.entries(rosterColumns).find(([, field]) => field === path)?.[0] ?? path;
              errors.push({ row, field: column, rule: issue.code, message: issue.message, messageZh: issue.code === 'invalid_value' ? '取值应为：劳动合同、劳务派遣、非全日制' : issue.message });
            }
          }
        }
        const allOrNothing = request.query.allOrNothing === 'true';
        if (allOrNothing && errors.length) return reply.status(422).send({ created: 0, errors });
        const result = await platform.supervision.hireMany(await organisationOf(platform, request), rows, allOrNothing, actorOf(request));
        const allErrors = [...errors, ...result.errors].sort((a, b) => a.row - b.row);
        return reply.status(allOrNothing && allErrors.length ? 422 : 200).send({ created: result.created, errors: allErrors });
      },
    );
  };
