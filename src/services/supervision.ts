/**
 * 劳动用工备案 and closed-loop supervision: the employer's roster (hires, separations) and the
 * supervision engine (src/domain/supervision) run over the roster and the platform's contracts.
 * This module only loads records into the engine's shapes; every rule lives in the domain.
 */
import type { Db } from '../db/client.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import type { ContractState } from '../domain/contract-lifecycle.ts';
import type { ContractTerms, EmploymentForm, TermType } from '../domain/contract-terms.ts';
import { superviseEmployer, type SupervisionReport } from '../domain/supervision/index.ts';
import type { ContractRecord, RosterRecord, SeparationKind } from '../domain/supervision/types.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { Actor, AuditLog } from './audit.ts';
import { contractFieldsColumn, type TemplateCatalog } from './contracts.ts';
import { paperContractRecords } from './paper-contract-records.ts';
import { idNumberIndex, upsertWorker, upsertWorkers, type WorkerIdentity } from './workers.ts';

export interface Hire {
  worker: WorkerIdentity;
  hireDate: string;
  employmentForm: EmploymentForm;
  post?: string;
  postCategory?: string;
  agencyUscc?: string;
  /** Year the worker graduated (高校毕业生), for the employment subsidy policies. */
  graduationYear?: number;
}

export interface Separation {
  idNumber: string;
  separationDate: string;
  kind: SeparationKind;
}

/** A `@db.Date` column (stored as UTC midnight) back to its calendar date. */
const day = (date: Date | null | undefined) => date?.toISOString().slice(0, 10);
/** An instant (a timestamp column) as the calendar date in Beijing time. */
const beijingDay = (instant: Date | null | undefined) => (instant ? shanghaiDate(instant) : undefined);
const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A roster line of the employer's hire, as one hire and the bulk hire both record it. */
function rosterEntryData(organisationId: string, workerId: string, hire: Hire) {
  return {
    organisationId,
    workerId,
    employmentForm: hire.employmentForm,
    hireDate: asDate(hire.hireDate),
    post: hire.post ?? null,
    postCategory: hire.postCategory ?? null,
    agencyUscc: hire.agencyUscc ?? null,
    graduationYear: hire.graduationYear ?? null,
  };
}
const rosterChain = (organisationId: string) => `roster:${organisationId}`;

export class SupervisionService {
  constructor(private readonly deps: { db: Db; audit: AuditLog; crypto: FieldCrypto; templates: TemplateCatalog }) {}

  async hire(organisation: Organisation, hire: Hire, actor: Actor) {
    const { db, crypto } = this.deps;
    return db.$transaction(async (tx) => {
      const workerId = await upsertWorker(tx, crypto, hire.worker);
      const open = await tx.rosterEntry.findFirst({ where: { organisationId: organisation.id, workerId, separationDate: null } });
      if (open)
        throw Problem.conflict(`This worker is already on the roster since ${day(open.hireDate)}.`, [
          { field: 'worker.idNumber', rule: 'not_on_roster', message: 'already employed; record the separation first (POST /api/v1/roster/separations)' },
        ]);
      const entry = await tx.rosterEntry.create({
        data: rosterEntryData(organisation.id, workerId, hire),
      });
      await this.deps.audit.append(tx, {
        chain: rosterChain(organisation.id),
        type: 'roster.hired',
        actor,
        data: { entryId: entry.id, workerId, hireDate: hire.hireDate, employmentForm: hire.employmentForm },
      });
      return entry;
    });
  }

  /**
   * Many hires at once (a roster sheet): rows of workers already on the roster are reported,
   * the rest written in one transaction — or nothing, when the caller asks for all or nothing.
   */
  async hireMany(organisation: Organisation, rows: { row: number; hire: Hire }[], allOrNothing: boolean, actor: Actor) {
    const { db, crypto } = this.deps;
    return db.$transaction(
      async (tx) => {
        const open = await tx.rosterEntry.findMany({ where: { organisationId: organisation.id, separationDate: null }, select: { worker: { select: { idIndex: true } } } });
        const employed = new Set(open.map((entry) => entry.worker.idIndex));
        const errors: { row: number; field: string; rule: string; message: string; messageZh: string }[] = [];
        const accepted: typeof rows = [];
        for (const item of rows) {
          const index = idNumberIndex(crypto, item.hire.worker.idNumber);
          if (employed.has(index)) errors.push({ row: item.row, field: '身份证号码', rule: 'not_on_roster', message: 'already on the roster', messageZh: '该劳动者已在职工名册中' });
          else {
            employed.add(index);
            accepted.push(item);
          }
        }
        if (allOrNothing && errors.length) return { created: 0, errors };
        // One statement per table: a roster of thousands (an employer's first filing) fits the transaction.
        const workerIds = await upsertWorkers(
          tx,
          crypto,
          accepted.map(({ hire }) => hire.worker),
        );
        await tx.rosterEntry.createMany({
          data: accepted.map(({ hire }, i) => rosterEntryData(organisation.id, workerIds[i]!, hire)),
        });
        if (accepted.length) await this.deps.audit.append(tx, { chain: rosterChain(organisation.id), type: 'roster.bulk_hired', actor, data: { rows: accepted.length, skipped: errors.length } });
        return { created: accepted.length, errors };
      },
      { timeout: 2 * 60_000 },
    );
  }

  async separate(organisation: Organisation, separation: Separation, actor: Actor) {
    const { db, crypto } = this.deps;
    return db.$transaction(async (tx) => {
      const open = await tx.rosterEntry.findFirst({ where: { organisationId: organisation.id, separationDate: null, worker: { idIndex: idNumberIndex(crypto, separation.idNumber) } } });
      if (!open) throw Problem.notFound('Roster entry of an employed worker with this ID number');
      if (day(open.hireDate)! > separation.separationDate)
        throw Problem.badRequest([{ field: 'separationDate', in: 'body', rule: 'on_or_after_hire', message: `must not be before the hire date ${day(open.hireDate)}` }]);
      const entry = await tx.rosterEntry.update({ where: { id: open.id }, data: { separationDate: asDate(separation.separationDate), separationKind: separation.kind } });
      await this.deps.audit.append(tx, {
        chain: rosterChain(organisation.id),
        type: 'roster.separated',
        actor,
        data: { entryId: entry.id, separationDate: separation.separationDate, kind: separation.kind },
      });
      return entry;
    });
  }

  /** The supervision report of one employer on a day: alerts with legal basis, signing rate. */
  async report(organisation: Organisation, asOf: string): Promise<SupervisionReport> {
    const { db, crypto, templates } = this.deps;
    const [roster, contracts, paper] = await Promise.all([
      db.rosterEntry.findMany({ where: { organisationId: organisation.id } }),
      db.contract.findMany({
        where: { employerId: organisation.id, previousId: null },
        include: { auditEvents: { where: { type: { in: ['document.downloaded', 'document.viewed'] } }, select: { at: true, type: true } } },
      }),
      paperContractRecords(db, organisation.id),
    ]);
    const rosterRecords: RosterRecord[] = roster.map((entry) => ({
      workerKey: entry.workerId,
      employmentForm: entry.employmentForm as EmploymentForm,
      hireDate: day(entry.hireDate)!,
      ...(entry.separationDate ? { separationDate: day(entry.separationDate)! } : {}),
      ...(entry.separationKind ? { separationKind: entry.separationKind as SeparationKind } : {}),
      ...(entry.post ? { post: entry.post } : {}),
      ...(entry.postCategory ? { postCategory: entry.postCategory } : {}),
      ...(entry.agencyUscc ? { agencyUscc: entry.agencyUscc } : {}),
    }));
    const contractRecords: ContractRecord[] = contracts.map((contract) => {
      const template = templates.get(contract.templateId, contract.templateVersion);
      const fields = crypto.decryptJson<Record<string, unknown>>(contract.fieldsCipher, contractFieldsColumn);
      const terms: ContractTerms | undefined = template?.toContractTerms(fields);
      // The day of signing is the Beijing calendar day (the daily run and the one-month rule count in it).
      const signedAt = beijingDay(contract.effectiveAt);
      return {
        contractId: contract.id,
        workerKey: contract.workerId,
        status: contract.status as ContractState,
        kind: terms?.kind ?? 'labor_contract',
        employmentForm: contract.employmentForm as EmploymentForm,
        termType: contract.termType as TermType,
        startDate: day(contract.startDate) ?? beijingDay(contract.createdAt)!,
        ...(contract.endDate ? { endDate: day(contract.endDate)! } : {}),
        ...(signedAt ? { signedAt } : {}),
        ...(terms?.probation ? { probation: terms.probation } : {}),
        ...(contract.monthlyWage ? { monthlyWage: Number(contract.monthlyWage) } : {}),
        deliveredToWorker: contract.effectiveAt !== null && contract.auditEvents.some((event) => event.at >= contract.effectiveAt!),
        ...(terms ? { terms } : {}),
      };
    });
    return superviseEmployer({ employer: { uscc: organisation.uscc, regionCode: organisation.regionCode }, roster: rosterRecords, contracts: [...contractRecords, ...paper], asOf });
  }
}
