/** Bulk batches: many contracts of one template, worked on by the shared job queue. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { xlsxMediaType } from '../../sheets/xlsx.ts';
import { SHEET_LIMITS, sheetLimitProblem } from '../../sheets/limits.ts';
import { organisationOf, principalOf } from '../plugins/auth.ts';
import { rawAnswer, uuidParam } from '../schemas.ts';

const config = { resource: 'batches' as const };
// A batch is sealed under the employer's seal authorisation: among console users, an act of those who may seal.
const sealingConfig = { ...config, act: 'seal' as const };
const tags = ['batches'];
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const idempotencyHeader = z.object({ 'idempotency-key': z.string().min(8).max(100).optional().describe('a retried submission with the same key creates nothing twice') }).loose();
const progressInterval = 500;
const rowError = z.object({ row: z.number().int(), field: z.string(), rule: z.string(), message: z.string(), messageZh: z.string().optional() });
const submitted = z.object({
  id: z.string().describe('the batch'),
  rows: z.number().int(),
  replayed: z.boolean().describe('true (200): an earlier submission with this Idempotency-Key; false: 202, accepted'),
  errors: z.array(rowError).describe('rows refused up front'),
});
const submittedAnswers = { 200: submitted, 202: submitted };
const progressView = z.object({
  id: z.string(),
  templateId: z.string(),
  source: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  rows: z.number().int(),
  rejectedRows: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()).describe('rows per state: pending, done, failed'),
  finished: z.boolean(),
  ratePerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  failures: z.array(z.object({ row: z.number().int(), error: z.string().nullable() })),
});

/** What the batch routes call. */
export type BatchRouteDeps = Pick<Platform, 'organisations' | 'batches'>;

export const batchRoutes =
  (deps: BatchRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const actorOf = (request: Parameters<typeof principalOf>[0]) => ({ kind: 'employer' as const, id: principalOf(request).principalId });
    const accepted = (result: Awaited<ReturnType<Platform['batches']['submit']>>) => ({
      status: result.replayed ? (200 as const) : (202 as const),
      body: { id: result.batch.id, rows: result.batch.rowCount, replayed: result.replayed, errors: result.errors },
    });

    app.post(
      '/batches',
      {
        config: sealingConfig,
        bodyLimit: 50 * 1024 * 1024,
        schema: {
          tags,
          summary: 'Submit a batch as JSON: shared field values plus one object per row; every bad row is reported; needs a seal authorisation for the template',
          headers: idempotencyHeader,
          body: z.object({
            templateId: z.string().min(1),
            shared: z.record(z.string(), z.unknown()).default({}),
            rows: z.array(z.record(z.string(), z.unknown())).min(1).max(20_000),
            allOrNothing: z.boolean().default(false).describe('true: create nothing unless every row is valid'),
            send: z.boolean().default(true).describe('send each signing link once sealed'),
          }),
          response: submittedAnswers,
        },
      },
      async (request, reply) => {
        const { rows, ...rest } = request.body;
        const result = await deps.batches.submit(
          await organisationOf(deps, request),
          { ...rest, rows: rows.map((values, i) => ({ row: i + 1, values })) },
          request.headers['idempotency-key'] as string | undefined,
          actorOf(request),
        );
        const answer = accepted(result);
        return reply.status(answer.status).send(answer.body);
      },
    );

    app.post(
      '/batches/sheet',
      {
        config: sealingConfig,
        bodyLimit: Math.max(SHEET_LIMITS.csvBytes, SHEET_LIMITS.xlsxBytes),
        // The route's limit is the larger of the two; a body declared over its own type's limit is
        // refused before any of it is read (the zip guard still counts what a chunked body sends).
        preParsing: async (request, _reply, payload) => {
          const declared = Number(request.headers['content-length'] ?? 0);
          const limit = (request.headers['content-type'] ?? '').startsWith(xlsxMediaType) ? 'xlsxBytes' : 'csvBytes';
          if (declared > SHEET_LIMITS[limit]) throw sheetLimitProblem(limit);
          return payload;
        },
        schema: {
          tags,
          summary: 'Submit a batch as a CSV (UTF-8) or XLSX sheet with the Chinese column headers of GET /templates/:id/batch-sheet.xlsx; rows are numbered as in the sheet',
          consumes: ['text/csv', xlsxMediaType],
          headers: idempotencyHeader,
          querystring: z.object({ templateId: z.string().min(1), allOrNothing: flag.default(false), send: flag.default(true) }),
          response: submittedAnswers,
        },
      },
      async (request, reply) => {
        const type = request.headers['content-type'] ?? '';
        const format = type.startsWith(xlsxMediaType) ? 'xlsx' : type.startsWith('text/csv') ? 'csv' : undefined;
        if (!format) throw new Problem(415, 'unsupported-media-type', 'Unsupported sheet type', 'Send text/csv or an XLSX workbook.');
        const body = request.body as Buffer | string;
        const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        const result = await deps.batches.submitSheet(
          await organisationOf(deps, request),
          { ...request.query, format, data },
          request.headers['idempotency-key'] as string | undefined,
          actorOf(request),
        );
        const answer = accepted(result);
        return reply.status(answer.status).send(answer.body);
      },
    );

    app.get(
      '/batches',
      {
        config,
        schema: {
          tags,
          summary: 'Your batches, newest first',
          response: {
            200: z.object({
              items: z.array(z.object({ id: z.string(), templateId: z.string(), source: z.string(), rowCount: z.number().int(), createdAt: z.date(), finishedAt: z.date().nullable() })),
            }),
          },
        },
      },
      async (request) => ({ items: await deps.batches.list(await organisationOf(deps, request)) }),
    );

    app.get('/batches/:id', { config, schema: { tags, summary: 'Progress: rows by state, rate, ETA, failures', params: uuidParam, response: { 200: progressView } } }, async (request) =>
      deps.batches.progress(await organisationOf(deps, request), request.params.id),
    );

    app.get(
      '/batches/:id/events',
      {
        config,
        schema: {
          tags,
          summary: 'Progress as server-sent events (`progress` every half second, then `finished`)',
          params: uuidParam,
          response: { 200: { description: '`progress` and `finished` events, each with the progress object as data', content: { 'text/event-stream': { schema: z.string() } } } },
        },
      },
      async (request, reply) => {
        const organisation = await organisationOf(deps, request);
        let progress = await deps.batches.progress(organisation, request.params.id);
        reply.hijack();
        const out = reply.raw;
        out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': request.id });
        let closed = false;
        request.raw.once('close', () => (closed = true));
        const event = (name: string, data: unknown) => out.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
        try {
          for (;;) {
            event(progress.finished ? 'finished' : 'progress', progress);
            if (progress.finished || closed) break;
            await new Promise((resolve) => setTimeout(resolve, progressInterval));
            if (closed) break;
            progress = await deps.batches.progress(organisation, request.params.id);
          }
        } catch (error) {
          request.log.error(error, 'batch progress stream failed');
          event('error', { title: 'progress unavailable' });
        }
        out.end();
      },
    );

    app.get(
      '/batches/:id/rows',
      {
        config,
        schema: {
          tags,
          summary: 'Per-row results (status, contract, error), in row order',
          params: uuidParam,
          querystring: z.object({
            status: z.enum(['pending', 'done', 'failed']).optional(),
            afterRow: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  row: z.number().int(),
                  status: z.string(),
                  error: z.string().nullable(),
                  contractId: z.string().nullable(),
                  contractNumber: z.string().nullable(),
                  contractStatus: z.string().nullable(),
                }),
              ),
              nextAfterRow: z.number().int().nullable().describe('afterRow for the next page; null on the last'),
            }),
          },
        },
      },
      async (request) => deps.batches.rows(await organisationOf(deps, request), request.params.id, request.query),
    );

    app.get(
      '/batches/:id/errors.csv',
      {
        config,
        schema: {
          tags,
          summary: 'Error report: every refused or failed row with its column, rule and a Chinese explanation',
          params: uuidParam,
          response: { 200: rawAnswer('CSV, UTF-8', 'text/csv') },
        },
      },
      async (request, reply) => {
        const report = await deps.batches.errorReport(await organisationOf(deps, request), request.params.id);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="batch-${request.params.id}-errors.csv"`).send(report);
      },
    );

    app.get(
      '/templates/:id/batch-columns',
      {
        config,
        schema: {
          tags,
          summary: "The template's batch sheet columns: Chinese header, field path, type, choices",
          params: z.object({ id: z.string() }),
          response: {
            200: z.object({
              templateId: z.string(),
              columns: z.array(
                z.object({
                  header: z.string(),
                  path: z.string().describe('dotted path into the template’s fields'),
                  type: z.enum(['text', 'number', 'integer', 'boolean', 'date', 'choice']),
                  required: z.boolean(),
                  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
                  description: z.string().optional(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({ templateId: request.params.id, columns: deps.batches.columns(request.params.id) }),
    );

    app.get(
      '/templates/:id/batch-sheet.:format',
      {
        config,
        schema: {
          tags,
          summary: 'An example batch sheet for the template (headers, one example row; XLSX adds a 填写说明 sheet)',
          params: z.object({ id: z.string(), format: z.enum(['csv', 'xlsx']) }),
          response: { 200: rawAnswer('the example sheet', 'text/csv', xlsxMediaType) },
        },
      },
      async (request, reply) => {
        const { id, format } = request.params;
        const data = await deps.batches.exampleSheet(id, format);
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : xlsxMediaType)
          .header('content-disposition', `attachment; filename="${id}-batch.${format}"`)
          .send(Buffer.from(data));
      },
    );
  };
