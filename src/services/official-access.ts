/**
 * What government offices may see, and the record of every look: officials are scoped to
 * their region (a 行政区划代码 prefix) and their role; every read of a contract or an
 * employer's file is written to AccessLog with who, what and why (purpose, case number) in the
 * same transaction as the read, and the worker sees it in 我的合同.
 */
import { regionLabel, regionName } from '../domain/reference/divisions.ts';
import type { Db, DbTx } from '../db/client.ts';
import { grantOf, reaches, regionScope, type Reader, type Resource } from '../domain/access.ts';
import { normalizeRegionPrefix } from '../domain/identity.ts';
import { describeProfile } from '../domain/reference/organisation-profile.ts';
import type { OfficialRole } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { Pki } from '../signing/pki/authority.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { AuditLog } from './audit.ts';
import { employerReader, findContracts, loadContract } from './contract/access.ts';
import { latestDocument } from './contract/documents.ts';
import type { SupervisionService } from './supervision.ts';
import type { SupervisionReport } from '../domain/supervision/index.ts';
import { verifyUpload } from './verification.ts';
import { idNumberIndex, readWorker } from './workers.ts';

export interface Official {
  officialId: string;
  role: OfficialRole;
  regionCode: string;
}

export interface AccessReason {
  purpose: string;
  caseNumber?: string;
}

/**
 * The region an official may see, as a 行政区划代码 prefix: their code with the trailing "00"
 * pairs dropped ('140800' → '1408', '140000' → '14'). The one place this rule lives: every
 * query and every check below goes through it (and the routes hand services a scoped official).
 */
export function officialScope(official: Pick<Official, 'regionCode'>): string {
  const scope = regionScope(official.regionCode);
  if (!scope) throw Problem.forbidden(`Your region code ${official.regionCode} is no 行政区划代码 prefix.`, '您的辖区代码不是有效的行政区划代码');
  return scope;
}

/** The reader an official is, for the access table. */
export const officialReader = (official: Official): Reader => ({ kind: official.role, regionCode: official.regionCode });

/** The official with their region code in its canonical prefix form. */
export function scopedOfficial<T extends Official>(official: T): T {
  return { ...official, regionCode: officialScope(official) };
}

/** A region a query asks for, in canonical form; refused unless it lies within the official's scope. */
export function requestedRegion(official: Pick<Official, 'regionCode'>, region: string): string {
  const scope = officialScope(official);
  const wanted = normalizeRegionPrefix(region);
  if (!wanted)
    throw Problem.badRequest([{ field: 'region', in: 'query', rule: 'region_prefix', message: 'must be a 行政区划代码 of 2, 4 or 6 digits', messageZh: '辖区应为 2、4 或 6 位行政区划代码' }]);
  if (!wanted.startsWith(scope)) throw Problem.forbidden(`Your region is ${scope}.`, `超出您的辖区（${scope}）`);
  return wanted;
}

const effectiveStatuses = ['signed', 'renewed', 'changed'] as const;
/**
 * Evidence events the insurance feed carries, and what they mean for enrolment. A signed 续订书
 * or 变更书 (a contract with a previousId) is no new employment: its signing is reported once,
 * as 'renewed' or 'changed' of the contract it amends, never as 'effective'.
 */
const feedTypes = { 'contract.signed': 'effective', 'contract.renewed': 'renewed', 'contract.changed': 'changed', 'contract.terminated': 'ended', 'contract.expired': 'ended' } as const;
const day = (date: Date | null | undefined) => date?.toISOString().slice(0, 10) ?? null;

/** The last day of the month `back` months before the month of `iso` (back = 0: `iso` itself). */
function monthEnd(iso: string, back: number): string {
  if (back === 0) return iso;
  const [year, month] = iso.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - back, 0)).toISOString().slice(0, 10);
}

export class OfficialAccess {
  constructor(private readonly deps: { db: Db; audit: AuditLog; crypto: FieldCrypto; archive: ObjectArchive; pki: Pki; supervision: SupervisionService; feedSettleSeconds: number }) {}

  /** Refuses an official whose role has no grant for the resource in the access table. */
  authorize(official: Official, resource: Resource): void {
    if (!grantOf(official.role, resource)) throw Problem.forbidden(`Officials of ${official.role} have no access to ${resource}.`, '您所在机构无权查阅此类信息');
  }

  /** The access log row, and for a contract also an event in its evidence chain. */
  async log(tx: DbTx, official: Official, entry: { action: string; contractId?: string; workerId?: string } & AccessReason) {
    await tx.accessLog.create({
      data: {
        officialId: official.officialId,
        action: entry.action,
        purpose: entry.purpose,
        caseNumber: entry.caseNumber ?? null,
        contractId: entry.contractId ?? null,
        workerId: entry.workerId ?? null,
      },
    });
    if (entry.contractId) {
      await this.deps.audit.append(tx, {
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
    this.authorize(official, 'insurance.enrolment');
    const { db, crypto } = this.deps;
    const contracts = await findContracts(db, officialReader(official), 'insurance.enrolment', {
      where: { worker: { idIndex: idNumberIndex(crypto, idNumber) }, status: { in: [...effectiveStatuses, 'terminated', 'expired'] } },
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
    this.authorize(official, 'insurance.enrolment');
    const { db, crypto } = this.deps;
    const events = await db.auditEvent.findMany({
      where: {
        id: { gt: after },
        at: { lt: new Date(Date.now() - this.deps.feedSettleSeconds * 1000) },
        contract: { regionCode: { startsWith: officialScope(official) } },
        OR: [{ type: 'contract.signed', contract: { previousId: null } }, { type: { in: Object.keys(feedTypes).filter((type) => type !== 'contract.signed') } }],
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
      for (const event of events)
        await this.log(tx, official, { action: 'insurance.feed_read', contractId: event.contract!.id, workerId: event.contract!.workerId, purpose: '社保参保变更（自动推送）' });
    });
    return { items, next: items.at(-1)?.cursor ?? after.toString() };
  }

  /** A worker's contracts in the official's region (any office), each listing logged. */
  async workerContracts(official: Official, idNumber: string, reason: AccessReason) {
    this.authorize(official, 'worker.contracts');
    const { db, crypto } = this.deps;
    const contracts = await findContracts(db, officialReader(official), 'worker.contracts', {
      where: { worker: { idIndex: idNumberIndex(crypto, idNumber) } },
      include: { employer: { select: { name: true, uscc: true } } },
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
    await db.$transaction(async (tx) => {
      for (const c of contracts) await this.log(tx, official, { action: 'worker.contracts_listed', contractId: c.id, workerId: c.workerId, ...reason });
    });
    return contracts.map((c) => ({ id: c.id, number: c.number, status: c.status, employer: c.employer, startDate: day(c.startDate), endDate: day(c.endDate) }));
  }

  /**
   * One contract the official may reach for `resource` (read, or an evidence bundle for a case),
   * with the verification of its latest signed revision.
   */
  async contract(official: Official, contractId: string, reason: AccessReason, resource: 'contract.read' | 'evidence.bundle' = 'contract.read') {
    const { db, archive, pki } = this.deps;
    const action = resource === 'evidence.bundle' ? 'arbitration.evidence_exported' : 'contract.read';
    const contract = await loadContract(db, officialReader(official), contractId, resource, { include: { employer: { select: { name: true, uscc: true } } }, caseNumber: reason.caseNumber });
    const document = await latestDocument(db, contract.id);
    const pdf = await archive.read(document);
    const verification = await verifyUpload(db, pki, pdf);
    await db.$transaction((tx) => this.log(tx, official, { action, contractId: contract.id, workerId: contract.workerId, ...reason }));
    return { contract, document: { sha256: document.sha256, kind: document.kind }, pdf, verification };
  }

  /** 劳动保障监察: an employer's file (roster against contracts, alerts) within the region. */
  async inspectEmployer(official: Official, uscc: string, asOf: string, reason: AccessReason) {
    this.authorize(official, 'employer.file');
    const organisation = await this.deps.db.organisation.findUnique({ where: { uscc } });
    if (!organisation || organisation.kind === 'platform' || !reaches(officialReader(official), 'employer.file', { regionCode: organisation.regionCode }).allowed)
      throw Problem.notFound('Employer', '辖区内没有该用人单位');
    const report = await this.deps.supervision.report(organisation, asOf);
    // Signing rate at the end of each of the last six months, for the trend chart: the month's
    // last daily supervision snapshot (src/services/daily-supervision.ts); the last point is today's
    // report. With snapshots, a month without one has no rate (a gap, never 0 %); an employer
    // with none at all gets rates recomputed from its present records, marked as such.
    const snapshots = await this.deps.db.supervisionSnapshot.findMany({
      where: { organisationId: organisation.id, asOf: { gt: new Date(`${monthEnd(asOf, 6)}T00:00:00Z`), lte: new Date(`${asOf}T00:00:00Z`) } },
      orderBy: { asOf: 'desc' },
      select: { asOf: true, required: true, signed: true },
    });
    const trend: { asOf: string; rate: number | null; required: number | null; signed: number | null; source: 'snapshot' | 'current' | 'recomputed' | null; snapshotOf?: string }[] = [];
    for (let back = 5; back >= 0; back--) {
      const date = monthEnd(asOf, back);
      const snapshot = snapshots.find((s) => day(s.asOf)!.slice(0, 7) === date.slice(0, 7) && day(s.asOf)! <= date);
      if (back === 0) trend.push({ asOf: date, rate: report.signing.rate ?? null, required: report.signing.required, signed: report.signing.signed, source: 'current' });
      else if (snapshot)
        trend.push({
          asOf: date,
          rate: snapshot.required ? snapshot.signed / snapshot.required : null,
          required: snapshot.required,
          signed: snapshot.signed,
          source: 'snapshot',
          snapshotOf: day(snapshot.asOf)!,
        });
      else if (snapshots.length) trend.push({ asOf: date, rate: null, required: null, signed: null, source: null });
      else {
        const signing = (await this.deps.supervision.report(organisation, date)).signing;
        trend.push({ asOf: date, rate: signing.rate ?? null, required: signing.required, signed: signing.signed, source: 'recomputed' });
      }
    }
    // The file was granted above: its contracts are all the employer's own, wherever their workplace.
    const contracts = await findContracts(this.deps.db, employerReader(organisation), 'contract.read', {
      where: { previousId: null },
      orderBy: { createdAt: 'desc' },
      take: 200,
      select: { id: true, workerId: true, number: true, status: true, startDate: true, endDate: true },
    });
    // One row per contract listed and per worker an alert is about, so each worker finds the
    // inspection in 我的合同; an employer file that shows no worker still leaves one row.
    const shownWorkers = new Set(contracts.map((c) => c.workerId));
    const alertWorkers = new Set(report.alerts.map((a) => a.workerKey).filter((key): key is string => key !== undefined && !shownWorkers.has(key)));
    const entry = { action: 'employer.inspected', ...reason, purpose: `${reason.purpose}（${organisation.name}）` };
    await this.deps.db.$transaction(async (tx) => {
      for (const c of contracts) await this.log(tx, official, { ...entry, contractId: c.id, workerId: c.workerId });
      for (const workerId of alertWorkers) await this.log(tx, official, { ...entry, workerId });
      if (!contracts.length && !alertWorkers.size) await this.log(tx, official, entry);
    });
    return {
      employer: { name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode, profile: describeProfile(organisation) },
      report,
      trend,
      contracts: contracts.map((c) => ({ id: c.id, number: c.number, status: c.status, startDate: day(c.startDate), endDate: day(c.endDate) })),
    };
  }

  /**
   * Employers of a region (within the official's) with signing rate and open alerts; `q`
   * narrows to names containing it or to the one 统一社会信用代码 equal to it. The listing is
   * logged (one row naming the region; it shows figures per employer, no worker's record).
   */
  async inspectRegion(official: Official, region: string, asOf: string, q: string | undefined, reason: AccessReason) {
    this.authorize(official, 'employer.file');
    const scope = requestedRegion(official, region);
    const search = q ? { OR: [{ name: { contains: q, mode: 'insensitive' as const } }, { uscc: q.toUpperCase() }] } : {};
    const organisations = await this.deps.db.organisation.findMany({ where: { regionCode: { startsWith: scope }, kind: { not: 'platform' }, ...search }, orderBy: { name: 'asc' }, take: 200 });
    const rows: {
      name: string;
      uscc: string;
      regionCode: string;
      regionName: string | null;
      profile: ReturnType<typeof describeProfile>;
      headcount: number;
      signing: SupervisionReport['signing'];
      alerts: number;
    }[] = [];
    for (const organisation of organisations) {
      const report = await this.deps.supervision.report(organisation, asOf);
      rows.push({
        name: organisation.name,
        uscc: organisation.uscc,
        regionCode: organisation.regionCode,
        regionName: regionName(organisation.regionCode) ?? null,
        profile: describeProfile(organisation),
        headcount: report.headcount.active,
        signing: report.signing,
        alerts: report.alerts.length,
      });
    }
    const what = `辖区 ${regionLabel(scope)}${q ? `，检索“${q}”` : ''}，${rows.length} 家用人单位`;
    await this.deps.db.$transaction((tx) => this.log(tx, official, { action: 'inspection.region_listed', ...reason, purpose: `${reason.purpose}（${what}）` }));
    return rows;
  }

  /** Who has looked at the contracts of the worker with this phone (blind index), for 我的合同. */
  async accessesForPhoneIndex(index: string) {
    // Through the contract read, or the worker named directly (an employer file's alert about a hire without a contract).
    const workers = await this.deps.db.worker.findMany({ where: { phoneIndex: index }, select: { id: true } });
    const rows = await this.deps.db.accessLog.findMany({
      where: { OR: [{ contract: { worker: { phoneIndex: index } } }, { workerId: { in: workers.map((w) => w.id) } }] },
      include: { official: { select: { role: true, regionCode: true } }, contract: { select: { number: true } } },
      orderBy: { at: 'desc' },
      take: 200,
    });
    return rows.map((row) => ({
      at: row.at,
      role: row.official.role,
      regionCode: row.official.regionCode,
      action: row.action,
      purpose: row.purpose,
      caseNumber: row.caseNumber,
      contractNumber: row.contract?.number ?? null,
    }));
  }
}
