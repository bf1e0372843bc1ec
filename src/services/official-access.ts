/**
 * What government offices may see, and the record of every look: officials are scoped to
 * their region (a 行政区划代码 prefix) and their role; every read of a contract or an
 * employer's file is written to AccessLog with who, what and why (purpose, case number) in the
 * same transaction as the read, and the worker sees it in 我的合同.
 */
import type { Db, DbTx } from '../db/client.ts';
import { regionMatchesPrefix } from '../domain/identity.ts';
import type { OfficialRole } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { Pki } from '../signing/pki/authority.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import { appendAudit } from './audit.ts';
import { contractFieldsColumn } from './contracts.ts';
import { latestDocument } from './sealing.ts';
import type { SupervisionService } from './supervision.ts';
import { verifyUpload } from './verification.ts';
import { idNumberIndex, readWorker } from './workers.ts';

export interface Official {
  officialId: string;
  role: OfficialRole;
  regionCode: string;
}

export interface EmploymentHire {
  worker: { name: string; idNumberMasked: string; ageAtHire: number | null };
  employer: { name: string; uscc: string };
  hireDate: string | null;
  employmentForm: string;
  contract: { id: string; number: string; effectiveAt: Date | null; endDate: string | null; socialInsuranceAgreed: boolean };
}

export interface AccessReason {
  purpose: string;
  caseNumber?: string;
}

const effectiveStatuses = ['signed', 'renewed', 'changed'] as const;
/** Evidence events the insurance feed carries, and what they mean for enrolment. */
const feedTypes = { 'contract.signed': 'effective', 'contract.renewed': 'renewed', 'contract.changed': 'changed', 'contract.terminated': 'ended' } as const;
const day = (date: Date | null | undefined) => date?.toISOString().slice(0, 10) ?? null;

/** The last day of the month `back` months before the month of `iso` (back = 0: `iso` itself). */
function monthEnd(iso: string, back: number): string {
  if (back === 0) return iso;
  const [year, month] = iso.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - back, 0)).toISOString().slice(0, 10);
}

export class OfficialAccess {
  constructor(private readonly deps: { db: Db; crypto: FieldCrypto; archive: ObjectArchive; pki: Pki; supervision: SupervisionService; feedSettleSeconds: number }) {}

  requireRole(official: Official, ...roles: OfficialRole[]): void {
    if (!roles.includes(official.role)) throw Problem.forbidden(`This query is for officials of: ${roles.join(', ')}.`);
  }

  /** The access log row, and for a contract also an event in its evidence chain. */
  private async log(tx: DbTx, official: Official, entry: { action: string; contractId?: string; workerId?: string } & AccessReason) {
    await tx.accessLog.create({ data: { officialId: official.officialId, action: entry.action, purpose: entry.purpose, caseNumber: entry.caseNumber ?? null, contractId: entry.contractId ?? null, workerId: entry.workerId ?? null } });
    if (entry.contractId) {
      await appendAudit(tx, {
        chain: entry.contractId,
        contractId: entry.contractId,
        type: 'official.accessed',
        actor: { kind: 'official', id: official.officialId },
        data: { role: official.role, regionCode: official.regionCode, action: entry.action, purpose: entry.purpose, caseNumber: entry.caseNumber ?? null },
      });
    }
  }

  /** 社保经办: a person's contracts in the official's region, with what enrolment needs. */
  async insuranceContracts(official: Official, idNumber: string, reason: AccessReason) {
    this.requireRole(official, 'insurance');
    const { db, crypto } = this.deps;
    const contracts = await db.contract.findMany({
      where: { worker: { idIndex: idNumberIndex(crypto, idNumber) }, status: { in: [...effectiveStatuses, 'terminated', 'expired'] }, regionCode: { startsWith: official.regionCode } },
      include: { employer: { select: { name: true, uscc: true, regionCode: true } } },
      orderBy: { startDate: 'desc' },
    });
    await db.$transaction(async (tx) => {
      for (const contract of contracts) await this.log(tx, official, { action: 'insurance.contract_read', contractId: contract.id, workerId: contract.workerId, ...reason });
    });
    return contracts.map((c) => ({
      contractId: c.id,
      number: c.number,
      status: c.status,
      employer: c.employer,
      employmentForm: c.employmentForm,
      termType: c.termType,
      startDate: day(c.startDate),
      endDate: day(c.endDate),
      effectiveAt: c.effectiveAt,
      terminatedAt: day(c.terminatedAt),
      monthlyWage: c.monthlyWage === null ? null : Number(c.monthlyWage),
    }));
  }

  /**
   * 社保经办 change feed: contracts of the region taking effect, renewed, changed or ending,
   * oldest first after a cursor, so enrolment follows without the worker applying. Events
   * younger than a few seconds wait for the next poll: ids are assigned before commit, so a
   * just-committed event may carry a lower id than one already returned.
   */
  async insuranceEvents(official: Official, after: bigint, limit: number) {
    this.requireRole(official, 'insurance');
    const { db, crypto } = this.deps;
    const events = await db.auditEvent.findMany({
      where: {
        id: { gt: after },
        type: { in: Object.keys(feedTypes) },
        at: { lt: new Date(Date.now() - this.deps.feedSettleSeconds * 1000) },
        contract: { regionCode: { startsWith: official.regionCode } },
      },
      include: { contract: { include: { employer: { select: { name: true, uscc: true } }, worker: true } } },
      orderBy: { id: 'asc' },
      take: limit,
    });
    const items = events.map((event) => {
      const c = event.contract!;
      return {
        cursor: event.id.toString(),
        change: feedTypes[event.type as keyof typeof feedTypes],
        at: event.at,
        contract: {
          id: c.id,
          number: c.number,
          employer: c.employer,
          worker: { name: readWorker(crypto, c.worker).name, idNumber: readWorker(crypto, c.worker).idNumber },
          employmentForm: c.employmentForm,
          startDate: day(c.startDate),
          endDate: day(c.endDate),
          terminatedAt: day(c.terminatedAt),
          monthlyWage: c.monthlyWage === null ? null : Number(c.monthlyWage),
        },
      };
    });
    await db.$transaction(async (tx) => {
      for (const event of events) await this.log(tx, official, { action: 'insurance.feed_read', contractId: event.contract!.id, workerId: event.contract!.workerId, purpose: '社保参保变更（自动推送）' });
    });
    return { items, next: items.at(-1)?.cursor ?? after.toString() };
  }

  /** A worker's contracts in the official's region (any office), each listing logged. */
  async workerContracts(official: Official, idNumber: string, reason: AccessReason) {
    const { db, crypto } = this.deps;
    const contracts = await db.contract.findMany({
      where: { worker: { idIndex: idNumberIndex(crypto, idNumber) }, regionCode: { startsWith: official.regionCode } },
      include: { employer: { select: { name: true, uscc: true } } },
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
    await db.$transaction(async (tx) => {
      for (const c of contracts) await this.log(tx, official, { action: 'worker.contracts_listed', contractId: c.id, workerId: c.workerId, ...reason });
    });
    return contracts.map((c) => ({ id: c.id, number: c.number, status: c.status, employer: c.employer, startDate: day(c.startDate), endDate: day(c.endDate) }));
  }

  /** One contract in the official's region, with the verification of its latest signed revision. */
  async contract(official: Official, contractId: string, reason: AccessReason, action = 'contract.read') {
    const { db, archive, pki } = this.deps;
    const contract = await db.contract.findUnique({ where: { id: contractId }, include: { employer: { select: { name: true, uscc: true } } } });
    if (!contract || !regionMatchesPrefix(contract.regionCode, official.regionCode)) throw Problem.notFound('Contract');
    const document = await latestDocument(db, contract.id);
    const pdf = await archive.get(document.objectKey, document.sha256);
    const verification = await verifyUpload(db, pki, pdf);
    await db.$transaction((tx) => this.log(tx, official, { action, contractId: contract.id, workerId: contract.workerId, ...reason }));
    return { contract, document: { sha256: document.sha256, kind: document.kind }, pdf, verification };
  }

  /** 劳动保障监察: an employer's file (roster against contracts, alerts) within the region. */
  async inspectEmployer(official: Official, uscc: string, asOf: string, reason: AccessReason) {
    this.requireRole(official, 'inspection');
    const organisation = await this.deps.db.organisation.findUnique({ where: { uscc } });
    if (!organisation || !regionMatchesPrefix(organisation.regionCode, official.regionCode)) throw Problem.notFound('Employer');
    const report = await this.deps.supervision.report(organisation, asOf);
    // Signing rate at the end of each of the last six months, for the trend chart.
    const trend = [];
    for (let back = 5; back >= 0; back--) {
      const date = monthEnd(asOf, back);
      const signing = (await this.deps.supervision.report(organisation, date)).signing;
      trend.push({ asOf: date, rate: signing.rate ?? null, required: signing.required, signed: signing.signed });
    }
    const contracts = await this.deps.db.contract.findMany({ where: { employerId: organisation.id, previousId: null }, orderBy: { createdAt: 'desc' }, take: 200, select: { id: true, number: true, status: true, startDate: true, endDate: true } });
    await this.deps.db.$transaction((tx) => this.log(tx, official, { action: 'employer.inspected', ...reason, purpose: `${reason.purpose}（${organisation.name}）` }));
    return {
      employer: { name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode },
      report,
      trend,
      contracts: contracts.map((c) => ({ id: c.id, number: c.number, status: c.status, startDate: day(c.startDate), endDate: day(c.endDate) })),
    };
  }

  /** Employers of a region (within the official's) with signing rate and open alerts. */
  async inspectRegion(official: Official, region: string, asOf: string) {
    this.requireRole(official, 'inspection');
    if (!region.startsWith(official.regionCode)) throw Problem.forbidden(`Your region is ${official.regionCode}.`);
    const organisations = await this.deps.db.organisation.findMany({ where: { regionCode: { startsWith: region }, kind: { not: 'platform' } }, orderBy: { name: 'asc' }, take: 200 });
    const rows: { name: string; uscc: string; regionCode: string; headcount: number; signing: unknown; alerts: number }[] = [];
    for (const organisation of organisations) {
      const report = await this.deps.supervision.report(organisation, asOf);
      rows.push({ name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode, headcount: report.headcount.active, signing: report.signing, alerts: report.alerts.length });
    }
    return rows;
  }

  /**
   * 就业服务: hires in the region whose written contract is in force, with what subsidy
   * policies look at (age at hire, employment form, social insurance agreed). Which policy a
   * hire qualifies for is the office's decision; the query narrows by hire date and age.
   */
  async employmentHires(official: Official, query: { region: string; from: string; to: string; maxAgeAtHire?: number }, reason: AccessReason) {
    this.requireRole(official, 'employment');
    if (!query.region.startsWith(official.regionCode)) throw Problem.forbidden(`Your region is ${official.regionCode}.`);
    const { db, crypto } = this.deps;
    const entries = await db.rosterEntry.findMany({
      where: { hireDate: { gte: new Date(`${query.from}T00:00:00Z`), lte: new Date(`${query.to}T00:00:00Z`) }, organisation: { regionCode: { startsWith: query.region } } },
      include: { organisation: { select: { name: true, uscc: true } }, worker: { include: { contracts: { where: { status: { in: [...effectiveStatuses] } }, orderBy: { effectiveAt: 'desc' } } } } },
      orderBy: { hireDate: 'asc' },
      take: 1000,
    });
    const rows: EmploymentHire[] = [];
    for (const entry of entries) {
      const contract = entry.worker.contracts.find((c) => c.employerId === entry.organisationId);
      if (!contract) continue;
      const birth = entry.worker.birthDate;
      const ageAtHire = birth ? Math.floor((entry.hireDate.getTime() - birth.getTime()) / (365.2425 * 86_400_000)) : null;
      if (query.maxAgeAtHire !== undefined && (ageAtHire === null || ageAtHire > query.maxAgeAtHire)) continue;
      const worker = readWorker(crypto, entry.worker);
      const fields = crypto.decryptJson<{ socialInsurance?: boolean }>(contract.fieldsCipher, contractFieldsColumn);
      rows.push({
        worker: { name: worker.name, idNumberMasked: `${worker.idNumber.slice(0, 6)}********${worker.idNumber.slice(-4)}`, ageAtHire },
        employer: entry.organisation,
        hireDate: day(entry.hireDate),
        employmentForm: entry.employmentForm,
        contract: { id: contract.id, number: contract.number, effectiveAt: contract.effectiveAt, endDate: day(contract.endDate), socialInsuranceAgreed: fields.socialInsurance === true },
      });
    }
    await db.$transaction(async (tx) => {
      for (const row of rows) await this.log(tx, official, { action: 'employment.hire_read', contractId: row.contract.id, ...reason });
    });
    return rows;
  }

  /** Who has looked at the contracts of the worker with this phone (blind index), for 我的合同. */
  async accessesForPhoneIndex(index: string) {
    const rows = await this.deps.db.accessLog.findMany({
      where: { contract: { worker: { phoneIndex: index } } },
      include: { official: { select: { role: true, regionCode: true } }, contract: { select: { number: true } } },
      orderBy: { at: 'desc' },
      take: 200,
    });
    return rows.map((row) => ({ at: row.at, role: row.official.role, regionCode: row.official.regionCode, action: row.action, purpose: row.purpose, caseNumber: row.caseNumber, contractNumber: row.contract?.number ?? null }));
  }
}
