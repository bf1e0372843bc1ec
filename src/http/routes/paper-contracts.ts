/** 存量合同备案: employers register paper contracts (JSON or sheet + scans); inspection sees them, marked paper. */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../problem.ts';
import { paperContractFields, paperSheetExample } from '../../services/paper-contract-input.ts';
import type { PaperContractService, UploadPart } from '../../services/paper-contracts.ts';
import { toCsv } from '../../sheets/csv.ts';
import { SHEET_LIMITS } from '../../sheets/limits.ts';
import { writeXlsx, xlsxMediaType } from '../../sheets/xlsx.ts';
import { text } from '../../support/text.ts';
import { officialOf, principalOf } from '../plugins/auth.ts';
import { rawAnswer, uuidParam } from '../schemas.ts';

export interface PaperContractRouteDeps {
  paperContracts: PaperContractService;
}

const paperContractView = z.object({
  id: z.string(),
  medium: z.literal('paper'),
  kind: z.enum(['labor_contract', 'internal_retirement']),
  employmentForm: z.string(),
  termType: z.string(),
  startDate: z.iso.date(),
  endDate: z.iso.date().optional(),
  signedOn: z.iso.date(),
  post: z.string().optional(),
  monthlyWage: z.number().optional(),
  paperNumber: z.string().optional(),
  regionCode: z.string(),
  scan: z.object({ sha256: z.string(), size: z.number() }),
  renewedById: z.string().nullable(),
  createdAt: z.date(),
});
const page = z.object({ after: z.uuid().optional().describe('the `next` of the previous page'), limit: z.coerce.number().int().min(1).max(500).default(100) });
const config = { resource: 'contract.manage' as const };
const tags = ['paper contracts'];
const MiB = 1024 * 1024;

/**
 * What the multipart parser throws while reading the body: its own limit errors keep their
 * status (413); a body it cannot parse (busboy's errors carry none) is the client's, 400.
 */
function unreadableMultipart(error: unknown): never {
  if (typeof (error as { statusCode?: unknown })?.statusCode === 'number') throw error;
  throw Problem.badRequest([
    {
      field: 'body',
      in: 'body',
      rule: 'multipart',
      message: `is not a readable multipart/form-data body (${(error as Error)?.message ?? 'unreadable'})`,
      messageZh: '上传内容无法读取（multipart/form-data 格式错误）',
    },
  ]);
}

function employerOf(request: Parameters<typeof principalOf>[0]) {
  const principal = principalOf(request);
  if (principal.kind !== 'employer') throw Problem.forbidden('Only employers do this.');
  return { organisationId: principal.organisationId, actor: { kind: 'employer' as const, id: principal.principalId } };
}

export const paperContractRoutes =
  (deps: PaperContractRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // Multipart only here: a sheet (≤ 20 MiB, its own type's limit checked after) and one scan per row.
    await app.register(multipart, { limits: { fileSize: Math.max(SHEET_LIMITS.csvBytes, 10 * MiB) + 1, files: SHEET_LIMITS.rows + 1, fields: 0, parts: SHEET_LIMITS.rows + 1 } });

    app.post(
      '/paper-contracts',
      {
        config,
        schema: {
          tags,
          summary: '存量合同备案: register one paper contract with its scanned PDF (base64); it counts as the written contract for its term',
          body: paperContractFields.extend({ scanBase64: z.base64().describe('the scanned contract, a PDF of at most 10 MiB') }),
          response: { 201: paperContractView },
        },
      },
      async (request, reply) => {
        const { organisationId, actor } = employerOf(request);
        const { scanBase64, ...fields } = request.body;
        return reply.status(201).send(await deps.paperContracts.register(organisationId, fields, Buffer.from(scanBase64, 'base64'), actor));
      },
    );

    app.post(
      '/paper-contracts/sheet',
      {
        config,
        schema: {
          tags,
          summary:
            '存量合同备案 by sheet: multipart/form-data with the part `sheet` (CSV or XLSX, Chinese headers as in example.csv) first, then one `scan` part per PDF named in 扫描件文件名; all or nothing, every bad row reported',
          consumes: ['multipart/form-data'],
          response: { 201: z.object({ created: z.number(), items: z.array(z.object({ row: z.number(), id: z.string(), sha256: z.string() })) }) },
        },
      },
      async (request, reply) => {
        const { organisationId, actor } = employerOf(request);
        if (!request.isMultipart()) throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send multipart/form-data: the sheet, then the scans.');
        async function* parts(): AsyncGenerator<UploadPart> {
          const iterator = request.parts()[Symbol.asyncIterator]();
          for (;;) {
            const next = await iterator.next().catch(unreadableMultipart);
            if (next.done) return;
            const part = next.value;
            if (part.type === 'file') yield { field: part.fieldname, filename: part.filename, mimetype: part.mimetype, bytes: () => part.toBuffer().catch(unreadableMultipart) };
          }
        }
        return reply.status(201).send(await deps.paperContracts.registerSheet(organisationId, parts(), actor));
      },
    );

    app.get(
      '/paper-contracts/example.csv',
      { config, schema: { tags, summary: 'An example registration sheet with the Chinese column headers the upload reads', response: { 200: rawAnswer('CSV, UTF-8', 'text/csv') } } },
      async (_request, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="paper-contracts-example.csv"').send(toCsv(paperSheetExample)),
    );

    app.get(
      '/paper-contracts/example.xlsx',
      { config, schema: { tags, summary: 'The example registration sheet as XLSX (ID numbers kept as text)', response: { 200: rawAnswer('XLSX workbook', xlsxMediaType) } } },
      async (_request, reply) =>
        reply
          .type(xlsxMediaType)
          .header('content-disposition', 'attachment; filename="paper-contracts-example.xlsx"')
          .send(await writeXlsx([{ name: '存量合同备案', rows: paperSheetExample, textColumns: [1, 2, 6, 7, 8] }])),
    );

    app.get(
      '/paper-contracts',
      { config, schema: { tags, summary: 'Your registered paper contracts', querystring: page, response: { 200: z.object({ items: z.array(paperContractView), next: z.string().nullable() }) } } },
      async (request) => deps.paperContracts.list(employerOf(request).organisationId, request.query),
    );

    app.get(
      '/paper-contracts/:id/scan.pdf',
      {
        config,
        schema: {
          tags,
          summary: 'The archived scan, checked against its recorded SHA-256',
          params: uuidParam,
          response: { 200: rawAnswer('the scan; header x-content-sha256 is its SHA-256', 'application/pdf') },
        },
      },
      async (request, reply) => {
        const { pdf, sha256 } = await deps.paperContracts.scan(employerOf(request).organisationId, request.params.id);
        return reply.type('application/pdf').header('x-content-sha256', sha256).send(pdf);
      },
    );

    app.post(
      '/paper-contracts/:id/renewal',
      {
        config,
        schema: {
          tags,
          summary: 'Conversion at renewal: record the electronic contract that renews this paper contract',
          params: uuidParam,
          body: z.object({ contractId: z.uuid() }),
          response: { 200: paperContractView },
        },
      },
      async (request) => {
        const { organisationId, actor } = employerOf(request);
        return deps.paperContracts.recordRenewal(organisationId, request.params.id, request.body.contractId, actor);
      },
    );

    app.get(
      '/inspection/employers/:uscc/paper-contracts',
      {
        config: { resource: 'employer.file' },
        schema: {
          tags: ['government'],
          summary: '劳动保障监察: an employer’s registered paper contracts, marked paper (each worker listed is logged)',
          params: z.object({ uscc: z.string().length(18) }),
          querystring: page.extend({ purpose: text(200, { min: 2 }).describe('why the record is read (shown to the worker)'), caseNumber: text(60).optional() }),
          response: {
            200: z.object({
              employer: z.object({ name: z.string(), uscc: z.string(), regionCode: z.string() }),
              items: z.array(paperContractView.extend({ worker: z.object({ name: z.string() }) })),
              next: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const { purpose, caseNumber, ...pageQuery } = request.query;
        return deps.paperContracts.forInspection(officialOf(request), request.params.uscc, { purpose, ...(caseNumber ? { caseNumber } : {}) }, pageQuery);
      },
    );
  };
