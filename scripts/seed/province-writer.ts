/**
 * Writes the synthetic province (province-plan.ts) into the database: organisations, workers,
 * roster lines, contracts and the delivery events the supervision rules read. Personal data goes
 * through the platform's own functions (workerRecord, contractRecord: the same ciphertexts and
 * blind indexes as real records); rows go in thousands at a time as INSERT … SELECT FROM unnest
 * (src/db/bulk-insert.ts), the next chunk being prepared while PostgreSQL stores the previous one.
 * Seeded contracts have no PDF, signature or signing link: they are data for supervision.
 */
import { insertRows, type ColumnSpec } from '../../src/db/bulk-insert.ts';
import type { Db } from '../../src/db/client.ts';
import { addYears } from '../../src/domain/calendar.ts';
import type { Organisation } from '../../src/generated/prisma/client.ts';
import type { FieldCrypto } from '../../src/security/field-crypto.ts';
import { auditHash } from '../../src/services/audit.ts';
import { contractRecord, contractRecordColumns } from '../../src/services/contracts.ts';
import { workerRecord, workerTable } from '../../src/services/workers.ts';
import type { LoadedTemplate, TemplateCatalog } from '../../src/templates/catalog.ts';
import { planEmployers, planWorkers, type EmployerPlan, type Expectation, type ProvinceOptions, type WorkerPlan } from './province-plan.ts';

export interface SeedResult {
  employers: EmployerPlan[];
  /** Organisation ids, indexed like `employers`. */
  organisationIds: string[];
  expected: Expectation[];
  counts: { organisations: number; workers: number; roster: number; contracts: number; auditEvents: number };
  seconds: number;
}

const chunkSize = 4000;

/**
 * Ids that are version-7 UUIDs (as Prisma makes them) yet follow from the seed: the time field
 * is the planned day, then the table, the seed and the row's number.
 */
function seededId(base: number, table: number, seed: number, n: number): string {
  const hex = base.toString(16).padStart(12, '0') + '7' + table.toString(16).padStart(3, '0') + (0x8000 | (seed & 0x3fff)).toString(16) + n.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const organisationTable: ColumnSpec = {
  id: 'uuid',
  kind: { enum: 'OrganisationKind' },
  name: 'text',
  uscc: 'text',
  legalRepresentative: 'text',
  address: 'text',
  regionCode: 'text',
  phone: 'text',
  dispatchLicence: 'text',
  ownership: 'text',
  industry: 'text',
  sizeClass: 'text',
  createdAt: 'timestamp',
};
const rosterTable: ColumnSpec = {
  id: 'uuid',
  organisationId: 'uuid',
  workerId: 'uuid',
  employmentForm: 'text',
  hireDate: 'date',
  separationDate: 'date',
  separationKind: 'text',
  post: 'text',
  agencyUscc: 'text',
  createdAt: 'timestamp',
};
const contractTable: ColumnSpec = {
  ...contractRecordColumns,
  createdAt: 'timestamp',
  updatedAt: 'timestamp',
  effectiveAt: 'timestamp',
  terminatedAt: 'date',
  retainUntil: 'date',
};
const auditTable: ColumnSpec = {
  chain: 'text',
  seq: 'int',
  contractId: 'uuid',
  type: 'text',
  actorKind: 'text',
  actorId: 'text',
  ip: 'text',
  userAgent: 'text',
  data: 'jsonb',
  at: 'timestamp',
  prevHash: 'text',
  hash: 'text',
};

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** 10:00 in Beijing on a calendar day. */
const beijingMorning = (iso: string) => new Date(`${iso}T02:00:00Z`);
const genesis = '0'.repeat(64);

interface Rows {
  workers: Record<string, unknown>[];
  roster: Record<string, unknown>[];
  contracts: Record<string, unknown>[];
  audit: Record<string, unknown>[];
}
const emptyRows = (): Rows => ({ workers: [], roster: [], contracts: [], audit: [] });

export async function seedProvince(deps: { db: Db; crypto: FieldCrypto; templates: TemplateCatalog }, options: ProvinceOptions, log: (line: string) => void = () => {}): Promise<SeedResult> {
  const { db, crypto, templates } = deps;
  const started = performance.now();
  const existing = await db.organisation.count({ where: { kind: { not: 'platform' } } });
  if (existing) throw new Error(`the database already holds ${existing} organisations: seed an empty database`);
  const base = day(options.asOf).getTime();
  const general = templates.get('labor-contract-general')!;
  const dispatch = templates.get('labor-contract-dispatch')!;
  for (const template of [general, dispatch]) {
    await db.templateVersion.upsert({
      where: { templateId_version: { templateId: template.id, version: template.version } },
      update: {},
      create: { templateId: template.id, version: template.version, title: template.title, kind: template.kind, contentHash: template.contentHash },
    });
  }

  const employers = planEmployers(options);
  const organisationIds = employers.map((e) => seededId(base, 1, options.seed, e.index));
  const organisations: Organisation[] = employers.map((e) => ({
    id: organisationIds[e.index]!,
    kind: e.kind,
    name: e.name,
    uscc: e.uscc,
    legalRepresentative: e.legalRepresentative,
    address: e.address,
    regionCode: e.regionCode,
    phone: e.phone,
    dispatchLicence: e.dispatchLicence,
    sealImageKey: null,
    sealImageSha256: null,
    ownership: e.ownership,
    industry: e.industry,
    sizeClass: e.sizeClass,
    createdAt: day(addYears(options.asOf, -10)),
  }));
  for (let i = 0; i < organisations.length; i += 10_000) await insertRows(db, 'Organisation', organisationTable, organisations.slice(i, i + 10_000) as unknown as Record<string, unknown>[]);
  log(`${organisations.length} organisations`);

  const expected: Expectation[] = [];
  const counts = { organisations: organisations.length, workers: 0, roster: 0, contracts: 0, auditEvents: 0 };
  const party = (e: EmployerPlan) => ({ name: e.name, uscc: e.uscc, legalRepresentative: e.legalRepresentative, address: e.address, regionCode: e.regionCode, phone: e.phone });
  let rows = emptyRows();
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    const chunk = rows;
    rows = emptyRows();
    await pending;
    pending = (async () => {
      // Referenced rows first: roster lines and contracts point at workers, events at contracts.
      await insertRows(db, 'Worker', workerTable, chunk.workers);
      await Promise.all([insertRows(db, 'RosterEntry', rosterTable, chunk.roster), insertRows(db, 'Contract', contractTable, chunk.contracts)]);
      await insertRows(db, 'AuditEvent', auditTable, chunk.audit);
    })();
    // Unhandled until awaited: keep the rejection for the next await.
    pending.catch(() => {});
  };

  for (const worker of planWorkers(options, employers, expected)) {
    const workerId = seededId(base, 2, options.seed, worker.index);
    const record = workerRecord(crypto, { name: worker.name, idNumber: worker.idNumber, phone: worker.phone });
    const hiredAt = day(worker.roster[0]!.hireDate);
    rows.workers.push({ id: workerId, ...record.create, createdAt: hiredAt });
    worker.roster.forEach((line, i) => {
      rows.roster.push({
        id: seededId(base, 3 + i, options.seed, worker.index),
        organisationId: organisationIds[line.employer],
        workerId,
        employmentForm: line.employmentForm,
        hireDate: day(line.hireDate),
        separationDate: line.separationDate ? day(line.separationDate) : null,
        separationKind: line.separationKind ?? null,
        post: line.post,
        agencyUscc: line.agencyUscc ?? null,
        createdAt: hiredAt,
      });
    });
    if (worker.contract) addContract(rows, worker, workerId, seededId(base, 5, options.seed, worker.index));
    counts.workers += 1;
    counts.roster += worker.roster.length;
    if (rows.workers.length >= chunkSize) {
      await flush();
      if (counts.workers % 100_000 < chunkSize) log(`${counts.workers} workers (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
  await flush();
  await pending;
  await db.$executeRawUnsafe('analyze "Organisation", "Worker", "RosterEntry", "Contract", "AuditEvent"');
  return { employers, organisationIds, expected, counts, seconds: (performance.now() - started) / 1000 };

  function addContract(target: Rows, worker: WorkerPlan, workerId: string, contractId: string) {
    const plan = worker.contract!;
    const owner = employers[plan.employer]!;
    const template: LoadedTemplate = plan.template === 'dispatch' ? dispatch : general;
    const { probation: _probation, endDate: _end, ...example } = template.example;
    const fields: Record<string, unknown> = {
      ...example,
      employer: party(owner),
      worker: { name: worker.name, idNumber: worker.idNumber, address: owner.address, phone: worker.phone },
      termType: plan.termType,
      startDate: plan.startDate,
      ...(plan.endDate ? { endDate: plan.endDate } : {}),
      jobTitle: plan.jobTitle,
      wage: { ...(example.wage as object), monthly: plan.monthlyWage },
    };
    if (plan.template === 'dispatch') {
      const host = employers[plan.host!]!;
      fields.dispatch = {
        ...(example.dispatch as object),
        agencyName: owner.name,
        agencyUscc: owner.uscc,
        licenceNumber: owner.dispatchLicence,
        hostEmployerName: host.name,
        hostEmployerUscc: host.uscc,
        assignmentStartDate: plan.startDate,
        assignmentEndDate: plan.endDate,
      };
    }
    const terms = template.toContractTerms(fields)!;
    const createdAt = beijingMorning(plan.startDate);
    const effectiveAt = plan.signedOn ? beijingMorning(plan.signedOn) : null;
    target.contracts.push({
      ...contractRecord(crypto, organisations[plan.employer]!, template, fields, terms, { number: `SX${options.seed}-${String(worker.index).padStart(8, '0')}`, workerId, createdAt }),
      id: contractId,
      status: plan.status,
      updatedAt: effectiveAt ?? createdAt,
      effectiveAt,
      terminatedAt: plan.terminatedOn ? day(plan.terminatedOn) : null,
      retainUntil: plan.terminatedOn ? day(addYears(plan.terminatedOn, 2)) : null,
    });
    counts.contracts += 1;
    if (effectiveAt && plan.delivered) {
      // The worker's first download of the signed contract, an hour after it took effect.
      const fields = {
        chain: contractId,
        seq: 1,
        type: 'document.downloaded',
        actorKind: 'worker',
        actorId: null,
        ip: null,
        userAgent: null,
        data: { kind: 'signed', via: 'portal' },
        at: new Date(effectiveAt.getTime() + 3_600_000),
        prevHash: genesis,
      };
      target.audit.push({ ...fields, contractId, hash: auditHash(fields) });
      counts.auditEvents += 1;
    }
  }
}
