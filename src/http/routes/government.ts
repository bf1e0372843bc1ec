/**
 * Government offices: social insurance (社保经办), labor inspection (劳动保障监察) and contract
 * retrieval for any office, each scoped to the official's region and logged with its reason.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { principalOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';

const config = { access: ['official' as const] };
const reason = z.object({
  purpose: z.string().trim().min(2).max(200).describe('why the record is read (shown to the worker)'),
  caseNumber: z.string().trim().max(60).optional().describe('案号 / 业务编号'),
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const governmentRoutes =
  (platform: Platform): FastifyPluginAsyncZod =>
  async (app) => {
    const officialOf = (request: Parameters<typeof principalOf>[0]) => {
      const principal = principalOf(request);
      if (principal.kind !== 'official') throw Problem.forbidden('Only officials use the government API.');
      return principal;
    };
    const today = () => new Date().toISOString().slice(0, 10);

    app.get(
      '/insurance/contracts',
      { config, schema: { tags: ['government'], summary: '社保经办: a person’s contracts in your region with the data enrolment needs (logged)', querystring: reason.extend({ idNumber: z.string().trim().toUpperCase().min(15).max(18) }) } },
      async (request) => {
        const { idNumber, ...why } = request.query;
        return { items: await platform.officialAccess.insuranceContracts(officialOf(request), idNumber, why) };
      },
    );

    app.get(
      '/insurance/events',
      {
        config,
        schema: {
          tags: ['government'],
          summary: '社保经办 change feed: contracts taking effect, renewed, changed or ending in your region, after a cursor (each read logged)',
          querystring: z.object({ after: z.string().regex(/^\d+$/).default('0').describe('the `next` of the previous page'), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        },
      },
      async (request) => platform.officialAccess.insuranceEvents(officialOf(request), BigInt(request.query.after), request.query.limit),
    );

    app.get(
      '/government/workers/contracts',
      { config, schema: { tags: ['government'], summary: 'A worker’s contracts in your region, by ID number (logged)', querystring: reason.extend({ idNumber: z.string().trim().toUpperCase().min(15).max(18) }) } },
      async (request) => {
        const { idNumber, ...why } = request.query;
        return { items: await platform.officialAccess.workerContracts(officialOf(request), idNumber, why) };
      },
    );

    app.get(
      '/government/contracts/:id',
      { config, schema: { tags: ['government'], summary: 'One contract in your region with the verification of its signatures (logged)', params: uuidParam, querystring: reason } },
      async (request) => {
        const { contract, document, verification } = await platform.officialAccess.contract(officialOf(request), request.params.id, request.query);
        return {
          id: contract.id,
          number: contract.number,
          status: contract.status,
          employer: contract.employer,
          regionCode: contract.regionCode,
          document,
          verification: { valid: verification.valid, signatures: verification.signatures.map((s) => ({ fieldName: s.fieldName, signer: s.signer?.name, level: s.level, valid: s.valid, timestamp: s.timestamp?.time })) },
        };
      },
    );

    app.get(
      '/government/contracts/:id/pdf',
      { config, schema: { tags: ['government'], summary: 'The signed contract PDF (logged)', params: uuidParam, querystring: reason } },
      async (request, reply) => {
        const { contract, pdf } = await platform.officialAccess.contract(officialOf(request), request.params.id, request.query);
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${contract.number}.pdf"`).send(Buffer.from(pdf));
      },
    );

    app.get(
      '/inspection/employers',
      { config, schema: { tags: ['government'], summary: '劳动保障监察: employers of a region with head count, signing rate and alerts', querystring: z.object({ region: z.string().regex(/^\d{2,6}$/), asOf: isoDate.optional() }) } },
      async (request) => ({ items: await platform.officialAccess.inspectRegion(officialOf(request), request.query.region, request.query.asOf ?? today()) }),
    );

    app.get(
      '/inspection/employers/:uscc',
      { config, schema: { tags: ['government'], summary: '劳动保障监察: one employer’s roster against its contracts, alerts with legal basis (logged)', params: z.object({ uscc: z.string().length(18) }), querystring: reason.extend({ asOf: isoDate.optional() }) } },
      async (request) => {
        const { asOf, ...why } = request.query;
        return platform.officialAccess.inspectEmployer(officialOf(request), request.params.uscc, asOf ?? today(), why);
      },
    );

    app.get(
      '/employment/hires',
      {
        config,
        schema: {
          tags: ['government'],
          summary: '就业服务: hires in your region with a contract in force, by hire date and age at hire (for subsidy policies; logged)',
          querystring: reason.extend({ region: z.string().regex(/^\d{2,6}$/), from: isoDate, to: isoDate, maxAgeAtHire: z.coerce.number().int().min(16).max(70).optional() }),
        },
      },
      async (request) => {
        const { purpose, caseNumber, ...query } = request.query;
        return { items: await platform.officialAccess.employmentHires(officialOf(request), query, { purpose, ...(caseNumber ? { caseNumber } : {}) }) };
      },
    );

    app.post(
      '/arbitration/evidence',
      {
        config,
        schema: {
          tags: ['government'],
          summary: '劳动争议仲裁 / 劳动保障监察: the evidence bundle (ZIP) of a contract in your region — signed PDF, verification, audit trail, certificates, manifest, sealed 出证报告 (logged)',
          body: reason.extend({
            caseNumber: z.string().trim().min(2).max(60).describe('案号'),
            contractId: z.uuid().optional(),
            idNumber: z.string().trim().toUpperCase().min(15).max(18).optional().describe('with employerUscc, when the contract id is not known'),
            employerUscc: z.string().trim().length(18).optional(),
          }),
        },
      },
      async (request, reply) => {
        const official = officialOf(request);
        platform.officialAccess.requireRole(official, 'arbitration', 'inspection');
        const { contract, zip } = await platform.evidence.bundle(official, request.body);
        return reply.type('application/zip').header('content-disposition', `attachment; filename="evidence-${contract.number}.zip"`).send(Buffer.from(zip));
      },
    );
  };
