import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { text } from '../../support/text.ts';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import type { TemplateCatalog } from '../../services/contracts.ts';
import { organisationOf, principalOf, requireStaffAct } from '../plugins/auth.ts';
import { dayColumnView, rawAnswer, uuidParam } from '../schemas.ts';

const contractRequest = z.strictObject({
  templateId: z.string().min(1).describe('e.g. labor-contract-general'),
  templateVersion: text(20).optional().describe('default: the latest version'),
  fields: z.record(z.string(), z.unknown()).describe("the template's fields (GET /api/v1/templates/:id); the employer part is filled from the registered organisation"),
});

const violation = z.object({ code: z.string(), article: z.string(), severity: z.enum(['error', 'warning']), field: z.string(), messageZh: z.string(), messageEn: z.string() });
const templateSummary = z.object({ id: z.string(), version: z.string(), title: z.string(), kind: z.string(), contentHash: z.string() });

const contractView = z.object({
  id: z.string(),
  number: z.string(),
  status: z.string(),
  templateId: z.string(),
  templateVersion: z.string(),
  employmentForm: z.string(),
  termType: z.string(),
  startDate: dayColumnView.nullable(),
  endDate: dayColumnView.nullable(),
  createdAt: z.date(),
});

const employerOnly = { resource: 'contract.manage' as const };
const createRequest = contractRequest.extend({
  autoSeal: z.boolean().default(false).describe('seal at once under a current seal authorisation (POST /api/v1/seal-authorisations); 403 without one'),
});
const documentQuery = z.object({ document: z.enum(['contract', 'termination-certificate']).default('contract').describe('the contract (latest revision) or its 解除/终止证明书') });

/** What the contract routes call; the three reads (record, PDF, audit trail) go through the contract module's queries. */
export type ContractRouteDeps = Pick<
  Platform,
  'organisations' | 'templates' | 'contracts' | 'sealAuthorisations' | 'sealing' | 'workerSigning' | 'lifecycle' | 'terminations' | 'attachments' | 'contractQueries'
>;

export const contractRoutes =
  (platform: ContractRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { templates, contracts } = platform;
    const ownOrganisation = (request: Parameters<typeof principalOf>[0]) => organisationOf(platform, request);
    const summary = (t: ReturnType<TemplateCatalog['list']>[number]) => ({ id: t.id, version: t.version, title: t.title, kind: t.kind, contentHash: t.contentHash });

    app.get(
      '/templates',
      { config: { resource: 'templates' }, schema: { tags: ['templates'], summary: 'Contract templates (latest versions)', response: { 200: z.object({ items: z.array(templateSummary) }) } } },
      async () => ({
        items: templates
          .list()
          .filter((t) => !t.internal)
          .map(summary),
      }),
    );

    app.get(
      '/templates/:id',
      {
        config: { resource: 'templates' },
        schema: {
          tags: ['templates'],
          summary: "A template with its fields' JSON Schema",
          params: z.object({ id: z.string() }),
          querystring: z.object({ version: z.string().optional() }),
          response: { 200: templateSummary.extend({ fieldsSchema: z.record(z.string(), z.unknown()) }) },
        },
      },
      async (request) => {
        const template = templates.get(request.params.id, request.query.version);
        if (!template || template.internal) throw Problem.notFound(`Template ${request.params.id}`);
        return { ...summary(template), fieldsSchema: z.toJSONSchema(template.fieldsSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown> };
      },
    );

    app.post(
      '/contracts/validate',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Check fields against the template and labor law; lists every violation',
          body: contractRequest,
          response: { 200: z.object({ valid: z.boolean(), violations: z.array(violation) }) },
        },
      },
      async (request) => {
        const { violations } = await contracts.check(await ownOrganisation(request), request.body);
        return { valid: !violations.some((v) => v.severity === 'error'), violations };
      },
    );

    app.post(
      '/contracts/preview',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Render the contract PDF without saving (422 with violations when unlawful)',
          body: contractRequest,
          response: { 200: rawAnswer('the contract as it would be created', 'application/pdf') },
        },
      },
      async (request, reply) => {
        const pdf = await contracts.preview(await ownOrganisation(request), request.body);
        return reply.type('application/pdf').send(Buffer.from(pdf));
      },
    );

    app.post(
      '/contracts',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Create a draft contract: validated, rendered, archived, audit-logged; sealed at once with autoSeal under an authorisation',
          body: createRequest,
          response: { 201: contractView.extend({ document: z.object({ sha256: z.string(), size: z.number() }), warnings: z.array(violation) }) },
        },
      },
      async (request, reply) => {
        if (request.body.autoSeal) requireStaffAct(request, 'seal');
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        const organisation = await ownOrganisation(request);
        const context = { actor, ip: request.ip, userAgent: request.headers['user-agent'] };
        const authorisation = request.body.autoSeal ? await platform.sealAuthorisations.covering(organisation, request.body.templateId) : undefined;
        const { contract, document, violations } = await contracts.create(organisation, request.body, context);
        if (!authorisation) return reply.status(201).send({ ...contract, document: { sha256: document.sha256, size: document.size }, warnings: violations });
        const sealed = await platform.sealing.seal(organisation, contract.id, { ...context, authorisationId: authorisation.id });
        return reply.status(201).send({ ...contract, status: sealed.status, document: { sha256: sealed.document.sha256, size: sealed.document.size }, warnings: violations });
      },
    );

    app.get('/contracts/:id', { config: employerOnly, schema: { tags: ['contracts'], summary: 'One of your contracts', params: uuidParam, response: { 200: contractView } } }, async (request) => {
      return platform.contractQueries.get(principalOf(request), request.params.id);
    });

    app.get(
      '/contracts/:id/pdf',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'The latest revision of the contract PDF (draft, sealed or signed), or its termination certificate',
          params: uuidParam,
          querystring: documentQuery,
          response: { 200: rawAnswer('the PDF; header x-content-sha256 is its SHA-256', 'application/pdf') },
        },
      },
      async (request, reply) => {
        const { number, sha256, pdf } = await platform.contractQueries.pdf(principalOf(request), request.params.id, request.query.document);
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${number}.pdf"`).header('x-content-sha256', sha256).send(Buffer.from(pdf));
      },
    );

    app.post(
      '/contracts/:id/seal',
      {
        // Sealing binds the employer: among console users only managers and admins (src/domain/staff-roles.ts).
        config: { ...employerOnly, act: 'seal' },
        schema: {
          tags: ['contracts'],
          summary: "Seal the draft with the employer's certificate: a PAdES certification signature with an RFC 3161 timestamp",
          params: uuidParam,
          response: { 200: z.object({ status: z.string(), document: z.object({ sha256: z.string(), size: z.number() }) }) },
        },
      },
      async (request) => {
        const organisation = await ownOrganisation(request);
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        const { status, document } = await platform.sealing.seal(organisation, request.params.id, { actor, ip: request.ip, userAgent: request.headers['user-agent'] });
        return { status, document: { sha256: document.sha256, size: document.size } };
      },
    );

    app.post(
      '/contracts/:id/send',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Send (or resend) the signing link to the worker by SMS; an earlier link stops working',
          params: uuidParam,
          response: { 200: z.object({ status: z.string(), expiresAt: z.date() }) },
        },
      },
      async (request) => {
        const organisation = await ownOrganisation(request);
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        return platform.workerSigning.send(organisation, request.params.id, { actor, ip: request.ip, userAgent: request.headers['user-agent'] });
      },
    );

    app.post(
      '/contracts/:id/void',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Void a contract the worker has not signed (draft, sealed, sent or link expired): its signing links stop working and a worker who was sent one is told',
          params: uuidParam,
          body: z.object({ reason: text(200, { min: 2 }).describe('why, shown to the worker and kept in the audit trail') }),
          response: { 200: z.object({ status: z.string() }) },
        },
      },
      async (request) => {
        const organisation = await ownOrganisation(request);
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        return platform.lifecycle.void(organisation, request.params.id, request.body.reason, { actor, ip: request.ip, userAgent: request.headers['user-agent'] });
      },
    );

    app.get(
      '/contracts/:id/audit',
      {
        config: { resource: 'contract.audit' },
        schema: {
          tags: ['contracts'],
          summary: "The contract's hash-chained evidence trail, and whether the chain is intact",
          params: uuidParam,
          response: {
            200: z.object({
              chain: z.object({
                intact: z.boolean(),
                length: z.number(),
                brokenAt: z.number().optional(),
                reason: z.string().optional(),
                anchored: z.number().optional(),
                unanchored: z.number().optional(),
                checkpointAt: z.iso.datetime().optional().describe('events up to this instant are anchored by a timestamped checkpoint'),
              }),
              events: z.array(
                z.object({
                  seq: z.number(),
                  type: z.string(),
                  actorKind: z.string(),
                  actorId: z.string().nullable(),
                  ip: z.string().nullable(),
                  userAgent: z.string().nullable(),
                  data: z.unknown(),
                  at: z.date(),
                  hash: z.string(),
                  prevHash: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        // Officials have no grant here: they read evidence through the government API, which logs the access.
        return platform.contractQueries.auditTrail(principalOf(request), request.params.id);
      },
    );

    app.post(
      '/contracts/:id/terminate',
      {
        // The certificate carries the employer's seal: among console users, those who may seal.
        config: { ...employerOnly, act: 'seal' },
        schema: {
          tags: ['contracts'],
          summary: 'End an effective contract (解除 or 终止): issues the sealed certificate and starts the two-year retention',
          params: uuidParam,
          body: z.object({
            ending: z.enum(['rescission', 'termination']).describe('解除 (rescission) or 终止 (termination)'),
            date: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
              .meta({ format: 'date', examples: ['2027-06-30'] })
              .describe('last day of employment'),
            reason: text(500, { min: 2, multiline: true }).describe('the reason and its legal basis, printed on the certificate'),
          }),
          response: {
            200: z.object({ status: z.string(), retainUntil: z.iso.date().describe('the Art. 50 retention ends on this day'), certificate: z.object({ sha256: z.string(), size: z.number() }) }),
          },
        },
      },
      async (request) => {
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        return platform.terminations.terminate(await ownOrganisation(request), request.params.id, request.body, { actor, ip: request.ip, userAgent: request.headers['user-agent'] });
      },
    );

    app.post(
      '/contracts/:id/attachments',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'A 续订书 (renewal) or 变更书 (change) for an effective contract; sealed, sent and signed like a contract, signing it renews or changes the contract',
          params: uuidParam,
          body: contractRequest,
          response: { 201: contractView.extend({ previousId: z.string().nullable(), document: z.object({ sha256: z.string(), size: z.number() }) }) },
        },
      },
      async (request, reply) => {
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        const { contract, document } = await platform.attachments.create(await ownOrganisation(request), request.params.id, request.body, {
          actor,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        return reply.status(201).send({ ...contract, document: { sha256: document.sha256, size: document.size } });
      },
    );
  };
