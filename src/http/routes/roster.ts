/** 劳动用工备案: the employer's roster, and its own supervision report (what an inspector would see). */
import { text } from '../../support/text.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isIsoDate, todayInShanghai } from '../../domain/calendar.ts';
import type { Platform } from '../../runtime.ts';
import { Problem, type FieldProblem } from '../../problem.ts';
import { validationIssues, zodFieldProblem, type OwnRule } from '../plugins/errors.ts';
import { organisationOf, principalOf } from '../plugins/auth.ts';
import { toCsv, csvRecords } from '../../sheets/csv.ts';
import { employmentFormNames, rawAnswer, rosterColumns, rosterHire, usccSchema } from '../schemas.ts';
import { supervisionReportView } from '../supervision-schema.ts';

/** Rules of our own carry `params: { rule, messageZh }`; the problem names that rule and says it in Chinese. */
const own = (rule: string, messageZh: string): { params: OwnRule } => ({ params: { rule, messageZh } });

/** A real calendar date YYYY-MM-DD (2026-02-30 and 2026-02-32 are refused, never rolled over). */
const calendarDate = (labelZh: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD', ...own('date_format', `${labelZh}格式应为 YYYY-MM-DD`) });
      else if (!isIsoDate(value)) ctx.addIssue({ code: 'custom', message: `${value} is not a calendar date`, ...own('calendar_date', `${labelZh}不是有效日期（${value} 不存在）`) });
    })
    .meta({ format: 'date', examples: ['2026-09-15'] });
const isoDate = calendarDate('日期');

/** The roster hire as this API takes it: real dates, a checked agency USCC named for every dispatch hire, graduation year. */
const hireBody = rosterHire
  .extend({
    hireDate: calendarDate('用工起始日期').describe('用工之日 (YYYY-MM-DD, a real calendar date)'),
    agencyUscc: usccSchema.optional().describe('劳务派遣单位 统一社会信用代码; required for dispatch'),
    graduationYear: z.number().int().min(1950).max(2100).optional().describe('高校毕业生: year of graduation (employment subsidy policies)'),
  })
  .superRefine((hire, ctx) => {
    if (hire.employmentForm === 'dispatch' && !hire.agencyUscc) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencyUscc'],
        message: 'a dispatch hire must name its dispatch agency (劳务派遣单位)',
        ...own('required_for_dispatch', '劳务派遣用工须填写派遣单位统一社会信用代码'),
      });
    }
    if (hire.graduationYear !== undefined && isIsoDate(hire.hireDate) && hire.graduationYear > Number(hire.hireDate.slice(0, 4)) + 1) {
      ctx.addIssue({ code: 'custom', path: ['graduationYear'], message: 'must not be later than the year after the hire', ...own('graduation_year_range', '毕业年份不能晚于用工起始年份的次年') });
    }
  });

/** The sheet's columns: the shared ones, the post category and the graduation year. */
const sheetColumns = { ...rosterColumns, 岗位类别: 'postCategory', 毕业年份: 'graduationYear' } as const;
const formsZh = '取值应为：劳动合同、劳务派遣、非全日制';
const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

/**
 * One zod issue as a field problem (the shared mapping), preferring what the roster schemas
 * already say in Chinese: the allowed employment forms, and messages written in Chinese.
 */
function fieldProblem(issue: Parameters<typeof zodFieldProblem>[0], where: string): FieldProblem {
  const problem = zodFieldProblem(issue, where);
  if (issue.params?.messageZh) return problem;
  if (issue.path === 'employmentForm' && issue.code === 'invalid_value') return { ...problem, messageZh: formsZh };
  return hasChinese(issue.message) ? { ...problem, messageZh: issue.message } : problem;
}

/** Request validation errors (attachValidation) as a problem naming each field, rule and Chinese message. */
function validationProblem(error: Parameters<typeof validationIssues>[0]): Problem {
  return Problem.badRequest(validationIssues(error).map(({ issue, where }) => fieldProblem(issue, where)));
}
const config = { resource: 'roster' as const };
const bulkAnswer = z.object({
  created: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), field: z.string().describe('the column'), rule: z.string(), message: z.string(), messageZh: z.string() })),
});
const tags = ['roster'];

/** What the roster (用工名册) routes call. */
export type RosterRouteDeps = Pick<Platform, 'organisations' | 'supervision'>;

export const rosterRoutes =
  (deps: RosterRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const actorOf = (request: Parameters<typeof principalOf>[0]) => ({ kind: 'employer' as const, id: principalOf(request).principalId });

    app.post(
      '/roster/hires',
      {
        config,
        attachValidation: true,
        schema: {
          tags,
          summary: '用工备案: a worker starts work (the day the one-month written-contract clock starts)',
          body: hireBody,
          response: { 201: z.object({ id: z.string().describe('the roster entry'), hireDate: z.iso.date() }) },
        },
      },
      async (request, reply) => {
        if (request.validationError) throw validationProblem(request.validationError);
        const entry = await deps.supervision.hire(await organisationOf(deps, request), request.body, actorOf(request));
        return reply.status(201).send({ id: entry.id, hireDate: request.body.hireDate });
      },
    );

    app.post(
      '/roster/separations',
      {
        config,
        attachValidation: true,
        schema: {
          tags,
          summary: '用工备案: a worker leaves (layoffs count toward the mass-layoff rule)',
          body: z.object({ idNumber: text(18, { min: 15 }).toUpperCase(), separationDate: calendarDate('离职日期'), kind: z.enum(['layoff', 'resignation', 'expiry', 'other']) }),
          response: { 200: z.object({ id: z.string().describe('the roster entry'), separationDate: z.iso.date() }) },
        },
      },
      async (request) => {
        if (request.validationError) throw validationProblem(request.validationError);
        const entry = await deps.supervision.separate(await organisationOf(deps, request), request.body, actorOf(request));
        return { id: entry.id, separationDate: request.body.separationDate };
      },
    );

    app.get(
      '/roster/supervision',
      {
        config,
        attachValidation: true,
        schema: {
          tags,
          summary: 'Your own supervision report: head count, signing rate, alerts with their legal basis (asOf defaults to today in Beijing time)',
          querystring: z.object({ asOf: isoDate.optional() }),
          response: { 200: supervisionReportView },
        },
      },
      async (request) => {
        if (request.validationError) throw validationProblem(request.validationError);
        return deps.supervision.report(await organisationOf(deps, request), request.query.asOf ?? todayInShanghai());
      },
    );

    app.get(
      '/roster/hires/example.csv',
      { config, schema: { tags, summary: 'An example roster sheet with the Chinese column headers the upload reads', response: { 200: rawAnswer('CSV, UTF-8', 'text/csv') } } },
      async (_request, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="roster-example.csv"')
          .send(
            toCsv([
              Object.keys(sheetColumns),
              ['王晓东', '140105199203152418', '13800000001', '2026-09-15', '劳动合同', '软件测试工程师', '', '专业技术', '2026'],
              ['李娜', '14080219950506122X', '', '2026-09-20', '劳务派遣', '客服专员', '91140105MA0L2Q7N5R', '辅助性岗位', ''],
            ]),
          ),
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
          // By media type, so a problem+json 422 is not put through this schema.
          response: { 200: bulkAnswer, 422: { description: 'allOrNothing and some row was bad: nothing written', content: { 'application/json': { schema: bulkAnswer } } } },
        },
      },
      async (request, reply) => {
        const { header, records } = csvRecords(String(request.body ?? ''));
        const missing = ['姓名', '身份证号码', '用工起始日期', '用工形式'].filter((name) => !header.includes(name));
        if (missing.length) throw Problem.badRequest(missing.map((name) => ({ field: name, in: 'body', rule: 'column_required', message: `missing column ${name}`, messageZh: `缺少列“${name}”` })));
        const errors: { row: number; field: string; rule: string; message: string; messageZh: string }[] = [];
        const rows: { row: number; hire: z.output<typeof hireBody> }[] = [];
        for (const { row, values } of records) {
          const value = (column: keyof typeof sheetColumns) => values[column] || undefined;
          const graduationYear = value('毕业年份');
          const parsed = hireBody.safeParse({
            worker: { name: value('姓名'), idNumber: value('身份证号码'), phone: value('手机号码') },
            hireDate: value('用工起始日期'),
            employmentForm: employmentFormNames[values['用工形式'] ?? ''] ?? values['用工形式'],
            post: value('岗位'),
            postCategory: value('岗位类别'),
            agencyUscc: value('派遣单位统一社会信用代码'),
            graduationYear: graduationYear === undefined ? undefined : /^\d{4}$/.test(graduationYear.trim()) ? Number(graduationYear) : graduationYear,
          });
          if (parsed.success) rows.push({ row, hire: parsed.data });
          else {
            for (const issue of parsed.error.issues) {
              const path = issue.path.join('.');
              const column = Object.entries(sheetColumns).find(([, field]) => field === path)?.[0] ?? path;
              const problem = fieldProblem({ code: issue.code, path, message: issue.message, ...('params' in issue && issue.params ? { params: issue.params as OwnRule } : {}) }, 'body');
              errors.push({ row, field: column, rule: problem.rule, message: problem.message, messageZh: problem.messageZh! });
            }
          }
        }
        const allOrNothing = request.query.allOrNothing === 'true';
        if (allOrNothing && errors.length) return reply.status(422).send({ created: 0, errors });
        const result = await deps.supervision.hireMany(await organisationOf(deps, request), rows, allOrNothing, actorOf(request));
        const allErrors = [...errors, ...result.errors].sort((a, b) => a.row - b.row);
        return reply.status(allOrNothing && allErrors.length ? 422 : 200).send({ created: result.created, errors: allErrors });
      },
    );
  };
