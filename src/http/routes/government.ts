/**
 * Government offices: social insurance (社保经办), labor inspection (劳动保障监察) and contract
 * retrieval for any office, each scoped to the official's region and logged with its reason.
 */
import { regionName } from '../../domain/reference/divisions.ts';
import { text } from '../../support/text.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../runtime.ts';
import { Problem } from '../../problem.ts';
import { officialOf } from '../plugins/auth.ts';
import { todayInShanghai } from '../../domain/calendar.ts';
import { EMPLOYMENT_POLICIES, employmentPolicy } from '../../domain/employment-policies.ts';
import { calendarDate, dayView, rawAnswer, uuidParam } from '../schemas.ts';
import { profileView } from '../profile-schema.ts';
import { signingRateView, supervisionReportView } from '../supervision-schema.ts';

const reason = z.object({
  purpose: text(200, { min: 2 }).describe('why the record is read (shown to the worker)'),
  caseNumber: text(60).optional().describe('案号 / 业务编号'),
});
const idNumber = text(18, { min: 15 }).toUpperCase().describe('居民身份证号码');

const status = z.string().describe('the contract status');
const employer = z.object({ name: z.string(), uscc: z.string() });
const insuranceContract = z.object({
  contractId: z.string(),
  number: z.string(),
  status,
  employer: employer.extend({ regionCode: z.string() }),
  employmentForm: z.string(),
  termType: z.string(),
  startDate: dayView.nullable(),
  endDate: dayView.nullable(),
  effectiveAt: z.date().nullable(),
  terminatedAt: dayView.nullable(),
  monthlyWage: z.number().nullable().describe('yuan'),
});
const insuranceEvent = z.object({
  cursor: z.string(),
  change: z.enum(['effective', 'renewed', 'changed', 'ended']),
  at: z.date(),
  contract: z.object({
    id: z.string(),
    number: z.string(),
    employer,
    worker: z.object({ name: z.string(), idNumber: z.string() }),
    employmentForm: z.string(),
    startDate: dayView.nullable(),
    endDate: dayView.nullable(),
    terminatedAt: dayView.nullable(),
    monthlyWage: z.number().nullable().describe('yuan'),
  }),
});
const contractVerification = z.object({
  valid: z.boolean(),
  indication: z.string().describe('ETSI EN 319 102-1: TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE'),
  signatures: z.array(
    z.object({
      fieldName: z.string(),
      fieldLabelZh: z.string().describe('the signature in Chinese: 用人单位电子印章, 劳动者电子签名, 文档时间戳, …'),
      signer: z.string().optional(),
      level: z.string().optional().describe('PAdES level: B-B, B-T, B-LT, B-LTA'),
      valid: z.boolean(),
      indication: z.string(),
      subIndication: z.string().optional(),
      timestamp: z.string().optional().describe('the signature timestamp’s time'),
    }),
  ),
});
const employerFile = z.object({ name: z.string(), uscc: z.string(), regionCode: z.string(), profile: profileView });
const policySummary = z.object({
  id: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  sources: z.array(z.object({ document: z.string(), date: z.string().describe('YYYY-MM-DD, or YYYY-MM / YYYY when only that is known'), verify: z.boolean().optional() })).readonly(),
  subsidyYuan: z.number().optional(),
  hireWindow: z.object({ from: dayView, to: dayView.optional() }),
  graduationYears: z.array(z.number().int()).readonly().optional(),
  ageAtHire: z.object({ min: z.number().int().optional(), max: z.number().int().optional() }).optional(),
  employmentForms: z.array(z.string()).readonly(),
  unemploymentInsurance: z.boolean(),
  minContractMonths: z.number().int().optional(),
  externalChecksZh: z.array(z.string()).readonly(),
  noteZh: z.string().optional(),
  hires: z.array(z.string()).describe('ids of the qualifying hires'),
});
const employmentHire = z.object({
  id: z.string().describe('the roster entry'),
  worker: z.object({ name: z.string(), idNumberMasked: z.string(), ageAtHire: z.number().int().nullable() }),
  employer,
  hireDate: dayView,
  employmentForm: z.string(),
  graduationYear: z.number().int().nullable(),
  contract: z
    .object({
      id: z.string(),
      number: z.string(),
      kind: z.string(),
      effectiveAt: z.date().nullable(),
      endDate: dayView.nullable(),
      socialInsuranceAgreed: z.boolean(),
      unemploymentInsuranceAgreed: z.boolean(),
    })
    .nullable(),
  eligibility: z.object({
    qualifies: z.array(z.string()),
    fails: z.array(z.object({ policyId: z.string(), failures: z.array(z.object({ condition: z.string(), messageZh: z.string(), messageEn: z.string() })) })),
  }),
});

/** What the government routes call. */
export type GovernmentRouteDeps = Pick<Platform, 'officialAccess' | 'employmentHires' | 'evidence'>;

export const governmentRoutes =
  (deps: GovernmentRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    /** Today in Beijing time (Asia/Shanghai), as the daily supervision run counts days. */
    const today = () => todayInShanghai();

    // A person is looked up by ID number in the body (POST), never in a URL that proxies and logs keep.
    app.post(
      '/insurance/contracts',
      {
        config: { resource: 'insurance.enrolment' },
        schema: {
          tags: ['government'],
          summary: '社保经办: a person’s contracts in your region with the data enrolment needs (logged)',
          body: reason.extend({ idNumber }),
          response: { 200: z.object({ items: z.array(insuranceContract) }) },
        },
      },
      async (request) => {
        const { idNumber, ...why } = request.body;
        return { items: await deps.officialAccess.insuranceContracts(officialOf(request), idNumber, why) };
      },
    );

    app.get(
      '/insurance/events',
      {
        config: { resource: 'insurance.enrolment' },
        schema: {
          tags: ['government'],
          summary: '社保经办 change feed: contracts taking effect, renewed, changed or ending in your region, after a cursor (each read logged)',
          querystring: z.object({ after: z.string().regex(/^\d+$/).default('0').describe('the `next` of the previous page'), limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ items: z.array(insuranceEvent), next: z.string().describe('the cursor for the next page') }) },
        },
      },
      async (request) => deps.officialAccess.insuranceEvents(officialOf(request), BigInt(request.query.after), request.query.limit),
    );

    app.post(
      '/government/workers/contracts',
      {
        config: { resource: 'worker.contracts' },
        schema: {
          tags: ['government'],
          summary: 'A worker’s contracts in your region, by ID number (logged)',
          body: reason.extend({ idNumber }),
          response: {
            200: z.object({ items: z.array(z.object({ id: z.string(), number: z.string(), status, employer, startDate: dayView.nullable(), endDate: dayView.nullable() })) }),
          },
        },
      },
      async (request) => {
        const { idNumber, ...why } = request.body;
        return { items: await deps.officialAccess.workerContracts(officialOf(request), idNumber, why) };
      },
    );

    app.get(
      '/government/contracts/:id',
      {
        config: { resource: 'contract.read' },
        schema: {
          tags: ['government'],
          summary: 'One contract in your region with the verification of its signatures (logged)',
          params: uuidParam,
          querystring: reason,
          response: {
            200: z.object({
              id: z.string(),
              number: z.string(),
              status,
              employer,
              regionCode: z.string(),
              document: z.object({ sha256: z.string(), kind: z.string() }),
              verification: contractVerification,
            }),
          },
        },
      },
      async (request) => {
        const { contract, document, verification } = await deps.officialAccess.contract(officialOf(request), request.params.id, request.query);
        return {
          id: contract.id,
          number: contract.number,
          status: contract.status,
          employer: contract.employer,
          regionCode: contract.regionCode,
          document,
          verification: {
            valid: verification.valid,
            indication: verification.indication,
            signatures: verification.signatures.map((s) => ({
              fieldName: s.fieldName,
              fieldLabelZh: s.fieldLabelZh,
              signer: s.signer?.name,
              level: s.level,
              valid: s.valid,
              indication: s.indication,
              subIndication: s.subIndication,
              timestamp: s.timestamp?.time,
            })),
          },
        };
      },
    );

    app.get(
      '/government/contracts/:id/pdf',
      {
        config: { resource: 'contract.read' },
        schema: { tags: ['government'], summary: 'The signed contract PDF (logged)', params: uuidParam, querystring: reason, response: { 200: rawAnswer('the signed contract', 'application/pdf') } },
      },
      async (request, reply) => {
        const { contract, pdf } = await deps.officialAccess.contract(officialOf(request), request.params.id, request.query);
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${contract.number}.pdf"`).send(Buffer.from(pdf));
      },
    );

    app.get(
      '/inspection/employers',
      {
        config: { resource: 'employer.file' },
        schema: {
          tags: ['government'],
          summary: '劳动保障监察: employers of a region with head count, signing rate and alerts (logged); `q` searches by name or 统一社会信用代码',
          querystring: reason.extend({
            region: z.string().regex(/^\d{2,6}$/),
            asOf: calendarDate.optional(),
            q: text(100, { min: 1 }).optional().describe('employer name (substring, case-insensitive) or 统一社会信用代码 (exact, 18 characters)'),
          }),
          response: {
            200: z.object({
              regionName: z.string().nullable(),
              items: z.array(employerFile.extend({ regionName: z.string().nullable(), headcount: z.number().int(), signing: signingRateView, alerts: z.number().int() })),
            }),
          },
        },
      },
      async (request) => {
        const { region, asOf, q, ...why } = request.query;
        return { regionName: regionName(region) ?? null, items: await deps.officialAccess.inspectRegion(officialOf(request), region, asOf ?? today(), q, why) };
      },
    );

    app.get(
      '/inspection/employers/:uscc',
      {
        config: { resource: 'employer.file' },
        schema: {
          tags: ['government'],
          summary: '劳动保障监察: one employer’s roster against its contracts, alerts with legal basis (logged)',
          params: z.object({ uscc: z.string().length(18) }),
          querystring: reason.extend({ asOf: calendarDate.optional() }),
          response: {
            200: z.object({
              employer: employerFile,
              report: supervisionReportView,
              trend: z.array(
                z.object({
                  asOf: dayView,
                  rate: z.number().nullable(),
                  required: z.number().int().nullable(),
                  signed: z.number().int().nullable(),
                  source: z.enum(['snapshot', 'current', 'recomputed']).nullable(),
                  snapshotOf: dayView.optional(),
                }),
              ),
              contracts: z.array(z.object({ id: z.string(), number: z.string(), status, startDate: dayView.nullable(), endDate: dayView.nullable() })),
            }),
          },
        },
      },
      async (request) => {
        const { asOf, ...why } = request.query;
        return deps.officialAccess.inspectEmployer(officialOf(request), request.params.uscc, asOf ?? today(), why);
      },
    );

    app.get(
      '/employment/hires',
      {
        config: { resource: 'employment.hires' },
        schema: {
          tags: ['government'],
          summary:
            '就业服务: hires in your region checked against the employment subsidy seed policies (e.g. 2023 graduates with a signed labor contract and unemployment insurance): per policy the qualifying hires, per hire the policies it qualifies for and the failed conditions of the others (logged)',
          querystring: reason.extend({
            region: z.string().regex(/^\d{2,6}$/),
            from: calendarDate.optional().describe('first hire date (用工之日); default: the policy’s first day'),
            to: calendarDate.optional().describe('last hire date; default: the policy’s last day, or today'),
            maxAgeAtHire: z.coerce.number().int().min(16).max(70).optional(),
            policy: z
              .enum(EMPLOYMENT_POLICIES.map((p) => p.id) as [string, ...string[]])
              .optional()
              .describe('a seed policy id; without it every seed policy is evaluated'),
            include: z
              .enum(['contracted', 'qualifying', 'all'])
              .optional()
              .describe(
                'contracted (default without policy): hires with a contract in force; qualifying (default with policy): hires qualifying for the policy; all: every hire with its failed conditions',
              ),
          }),
          response: { 200: z.object({ policies: z.array(policySummary), items: z.array(employmentHire) }) },
        },
      },
      async (request) => {
        const { purpose, caseNumber, from, to, policy, ...query } = request.query;
        const window = policy ? employmentPolicy(policy)?.hireWindow : undefined;
        const first = from ?? window?.from;
        const last = to ?? window?.to ?? (window ? today() : undefined);
        const missing = [...(first ? [] : ['from']), ...(last ? [] : ['to'])];
        if (missing.length)
          throw Problem.badRequest(
            missing.map((field) => ({ field, in: 'query', rule: 'required_without_policy', message: 'required unless a policy is named', messageZh: '未指定补贴政策时须填写用工日期范围' })),
          );
        if (first! > last!) throw Problem.badRequest([{ field: 'to', in: 'query', rule: 'on_or_after_from', message: 'must not be before from', messageZh: '截止日期不能早于起始日期' }]);
        const official = officialOf(request);
        // The region asked for in canonical form ('140100' → '1401'), refused outside the official's.
        return deps.employmentHires.list(official, { ...query, from: first!, to: last!, ...(policy ? { policy } : {}) }, { purpose, ...(caseNumber ? { caseNumber } : {}) });
      },
    );

    app.post(
      '/arbitration/evidence',
      {
        config: { resource: 'evidence.bundle' },
        schema: {
          tags: ['government'],
          summary: '劳动争议仲裁 / 劳动保障监察: the evidence bundle (ZIP) of a contract in your region — signed PDF, verification, audit trail, certificates, manifest, sealed 出证报告 (logged)',
          body: reason.extend({
            caseNumber: text(60, { min: 2 }).describe('案号'),
            contractId: z.uuid().optional(),
            idNumber: text(18, { min: 15 }).toUpperCase().optional().describe('with employerUscc, when the contract id is not known'),
            employerUscc: text(18, { min: 18 }).optional(),
          }),
          response: { 200: rawAnswer('the evidence bundle', 'application/zip') },
        },
      },
      async (request, reply) => {
        const { contract, zip } = await deps.evidence.bundle(officialOf(request), request.body);
        return reply.type('application/zip').header('content-disposition', `attachment; filename="evidence-${contract.number}.zip"`).send(Buffer.from(zip));
      },
    );
  };
