import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import type { ContractService, TemplateCatalog } from '../../services/contracts.ts';
import { principalOf } from '../plugins/auth.ts';
import { uuidParam } from '../schemas.ts';

const contractRequest = z.object({
  templateId: z.string().min(1).describe('e.g. labor-contract-general'),
  templateVersion: z.string().optional().describe('default: the latest version'),
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
  startDate: z.date().nullable(),
  endDate: z.date().nullable(),
  createdAt: z.date(),
});

const employerOnly = { access: ['employer' as const] };

export const contractRoutes =
  (platform: Platform, templates: TemplateCatalog, contracts: ContractService): FastifyPluginAsyncZod =>
  async (app) => {
    const organisationOf = async (request: Parameters<typeof principalOf>[0]) => {
      const principal = principalOf(request);
      if (principal.kind !== 'employer') throw Problem.forbidden('Only employers create contracts.');
      return platform.db.organisation.findUniqueOrThrow({ where: { id: principal.organisationId } });
    };
    const summary = (t: ReturnType<TemplateCatalog['list']>[number]) => ({ id: t.id, version: t.version, title: t.title, kind: t.kind, contentHash: t.contentHash });

    app.get(
      '/templates',
      { config: { access: ['employer', 'admin', 'official'] }, schema: { tags: ['templates'], summary: 'Contract templates (latest versions)', response: { 200: z.object({ items: z.array(templateSummary) }) } } },
      async () => ({ items: templates.list().map(summary) }),
    );

    app.get(
      '/templates/:id',
      {
        config: { access: ['employer', 'admin', 'official'] },
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
        if (!template) throw Problem.notFound(`Template ${request.params.id}`);
        return { ...summary(template), fieldsSchema: z.toJSONSchema(template.fieldsSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown> };
      },
    );

    app.post(
      '/contracts/validate',
      {
        config: employerOnly,
        schema: { tags: ['contracts'], summary: 'Check fields against the template and labor law; lists every violation', body: contractRequest, response: { 200: z.object({ valid: z.boolean(), violations: z.array(violation) }) } },
      },
      async (request) => {
        const { violations } = await contracts.check(await organisationOf(request), request.body);
        return { valid: !violations.some((v) => v.severity === 'error'), violations };
      },
    );

    app.post(
      '/contracts/preview',
      { config: employerOnly, schema: { tags: ['contracts'], summary: 'Render the contract PDF without saving (422 with violations when unlawful)', body: contractRequest } },
      async (request, reply) => {
        const pdf = await contracts.preview(await organisationOf(request), request.body);
        return reply.type('application/pdf').send(Buffer.from(pdf));
      },
    );

    app.post(
      '/contracts',
      {
        config: employerOnly,
        schema: {
          tags: ['contracts'],
          summary: 'Create a draft contract: validated, rendered, archived, audit-logged',
          body: contractRequest,
          response: { 201: contractView.extend({ document: z.object({ sha256: z.string(), size: z.number() }), warnings: z.array(violation) }) },
        },
      },
      async (request, reply) => {
        const actor = { kind: 'employer' as const, id: principalOf(request).principalId };
        const { contract, document, violations } = await contracts.create(await organisationOf(request), request.body, { actor, ip: request.ip, userAgent: request.headers['user-agent'] });
        return reply.status(201).send({ ...contract, document: { sha256: document.sha256, size: document.size }, warnings: violations });
      },
    );

    app.get(
      '/contracts/:id',
      { config: employerOnly, schema: { tags: ['contracts'], summary: 'One of your contracts', params: uuidParam, response: { 200: contractView } } },
      async (request) => {
        const organisation = await organisationOf(request);
        const contract = await platform.db.contract.findUnique({ where: { id: request.params.id } });
        if (!contract || contract.employerId !== organisation.id) throw Problem.notFound('Contract');
        return contract;
      },
    );
  };
