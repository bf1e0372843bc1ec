/**
 * 存量合同备案: an employer registers contracts concluded on paper before the platform, one at a
 * time (JSON with the scan) or by sheet (CSV/XLSX plus the scans it names). Each scan is archived
 * like every document (content-addressed, SHA-256 recorded and checked on read); the rows are
 * written in one transaction after the objects are stored, and a failed transaction removes the
 * objects it stored and no row names. Inspection of the employer's region sees them, marked paper.
 */
import { uuidv7 } from '../db/bulk-insert.ts';
import type { Db, DbTx } from '../db/client.ts';
import { reaches } from '../domain/access.ts';
import { todayInShanghai } from '../domain/calendar.ts';
import { paperTermProblems } from '../domain/paper-contracts.ts';
import type { Organisation, PaperContract } from '../generated/prisma/client.ts';
import { Problem, type FieldProblem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { csvRecords } from '../sheets/csv.ts';
import { SHEET_LIMITS, sheetLimitProblem } from '../sheets/limits.ts';
import { readXlsx } from '../sheets/xlsx.ts';
import type { ArchivedObject, ObjectArchive } from '../storage/archive.ts';
import type { Actor, AuditLog } from './audit.ts';
import { officialReader, officialScope, type AccessReason, type Official } from './official-access.ts';
import { columnOf, paperContractFields, paperRowInput, paperSheetColumns, requiredPaperColumns, scanProblem, choiceMessagesZh, type PaperContractFields } from './paper-contract-input.ts';
import { calendarDay, paperContractData } from './paper-contract-records.ts';
import { removeUnrecorded, archivedPdf } from './contract/documents.ts';
import { readWorker, upsertWorkers } from './workers.ts';

/** One part of a multipart sheet upload, read only when the service asks for it. */
export interface UploadPart {
  field: string;
  filename: string;
  mimetype: string;
  bytes(): Promise<Buffer>;
}

interface Registration {
  row: number;
  fields: PaperContractFields;
  scan: string;
}

/** Scans uploaded to the archive at once during a sheet registration. */
const PARALLEL_PUTS = 8;
const chainOf = (organisationId: string) => `paper-contracts:${organisationId}`;
const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Row errors of a sheet as one problem: every bad row, its column, rule and Chinese message. */
function rowsProblem(errors: FieldProblem[]): Problem {
  return new Problem(
    422,
    'sheet-rows-invalid',
    'Rows refused',
    'Nothing was registered: correct the rows listed and upload the sheet again.',
    errors.sort((a, b) => Number(a.in?.slice(4)) - Number(b.in?.slice(4))),
  );
}

export function paperContractView(row: PaperContract & { document: { sha256: string; size: number } }) {
  return {
    id: row.id,
    medium: 'paper' as const,
    ...paperContractData(row),
    regionCode: row.regionCode,
    scan: { sha256: row.document.sha256, size: row.document.size },
    renewedById: row.renewedById,
    createdAt: row.createdAt,
  };
}

export class PaperContractService {
  constructor(private readonly deps: { db: Db; audit: AuditLog; crypto: FieldCrypto; archive: ObjectArchive }) {}

  /** One paper contract with its scan (already a PDF of allowed size: see scanProblem). */
  private organisation(organisationId: string): Promise<Organisation> {
    return this.deps.db.organisation.findUniqueOrThrow({ where: { id: organisationId } });
  }

  async register(organisationId: string, fields: PaperContractFields, scan: Uint8Array, actor: Actor) {
    const problems = paperTermProblems(fields, todayInShanghai());
    const bad = scanProblem(scan);
    if (problems.length || bad) throw Problem.badRequest([...problems.map((p) => ({ ...p, in: 'body' })), ...(bad ? [{ field: 'scanBase64', in: 'body', ...bad }] : [])]);
    const organisation = await this.organisation(organisationId);
    const stored = new Map([['scan', await this.deps.archive.put(scan, { contentType: 'application/pdf' })]]);
    const [view] = await this.write(organisation, [{ row: 1, fields, scan: 'scan' }], stored, actor, 'body');
    return view!;
  }

  /**
   * A sheet and the scans it names (multipart: the part `sheet` first, then one `scan` part per
   * file). All or nothing: every bad row is reported and nothing is written.
   */
  async registerSheet(organisationId: string, parts: AsyncIterable<UploadPart>, actor: Actor) {
    const organisation = await this.organisation(organisationId);
    const iterator = parts[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.field !== 'sheet')
      throw Problem.badRequest([
        { field: 'sheet', in: 'body', rule: 'sheet_first', message: 'the first part must be the sheet (field "sheet")', messageZh: '请先上传备案表格（字段 sheet），再上传扫描件' },
      ]);
    const registrations = await this.readSheet(first.value);
    const byScan = new Map(registrations.map((r) => [r.scan, r]));
    // Each scan is archived as it arrives, so memory holds one scan at a time.
    const stored = new Map<string, ArchivedObject>();
    const pending = new Set<Promise<void>>();
    const received = new Set<string>();
    try {
      const errors: FieldProblem[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const part = next.value;
        const registration = byScan.get(part.filename);
        if (part.field !== 'scan' || !registration || received.has(part.filename)) {
          throw Problem.badRequest([
            {
              field: part.field === 'scan' ? part.filename : part.field,
              in: 'body',
              rule: part.field !== 'scan' ? 'part_known' : received.has(part.filename) ? 'scan_once' : 'scan_named_in_sheet',
              message: 'every part after the sheet is a scan named once in the sheet',
              messageZh: '表格之后的每个文件都应是表格“扫描件文件名”列中列出的扫描件，且只上传一次',
            },
          ]);
        }
        received.add(part.filename);
        const bytes = await part.bytes();
        const bad = scanProblem(bytes);
        if (bad) errors.push({ field: '扫描件文件名', in: `row ${registration.row}`, ...bad });
        else {
          // A few uploads at once while the next part is read (at most PARALLEL_PUTS scans in memory).
          if (pending.size >= PARALLEL_PUTS) await Promise.race(pending);
          const put = this.deps.archive.put(bytes, { contentType: 'application/pdf' }).then((object) => void stored.set(part.filename, object));
          const tracked = put.finally(() => pending.delete(tracked));
          tracked.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
          pending.add(tracked);
        }
      }
      await Promise.all(pending);
      for (const r of registrations)
        if (!stored.has(r.scan) && !errors.some((e) => e.in === `row ${r.row}`))
          errors.push({ field: '扫描件文件名', in: `row ${r.row}`, rule: 'scan_uploaded', message: `the scan ${r.scan} was not uploaded`, messageZh: `未上传扫描件“${r.scan}”` });
      if (errors.length) throw rowsProblem(errors);
    } catch (error) {
      await Promise.allSettled(pending);
      await this.removeStored(stored);
      throw error;
    }
    const views = await this.write(organisation, registrations, stored, actor, 'sheet');
    return { created: views.length, items: views.map((v, i) => ({ row: registrations[i]!.row, id: v.id, sha256: v.scan.sha256 })) };
  }

  private removeStored(stored: Map<string, ArchivedObject>): Promise<void> {
    return removeUnrecorded(this.deps.db, this.deps.archive, [...new Set([...stored.values()].map((o) => o.key))]);
  }

  private async readSheet(part: UploadPart): Promise<Registration[]> {
    const xlsx = part.filename.toLowerCase().endsWith('.xlsx') || part.mimetype.startsWith('application/vnd.openxmlformats');
    const data = await part.bytes();
    if (data.length > (xlsx ? SHEET_LIMITS.xlsxBytes : SHEET_LIMITS.csvBytes)) throw sheetLimitProblem(xlsx ? 'xlsxBytes' : 'csvBytes');
    const { header, records } = xlsx ? await readXlsx(data) : csvRecords(data.toString('utf8'));
    if (header.length > SHEET_LIMITS.columns) throw sheetLimitProblem('columns');
    if (records.length > SHEET_LIMITS.rows) throw sheetLimitProblem('rows');
    const missing = requiredPaperColumns.filter((name) => !header.includes(name));
    const unknown = header.filter((name) => name && !(name in paperSheetColumns));
    if (missing.length || unknown.length) {
      throw Problem.badRequest([
        ...missing.map((name) => ({ field: name, in: 'sheet', rule: 'column_required', message: `missing column ${name}`, messageZh: `缺少列“${name}”` })),
        ...unknown.map((name) => ({ field: name, in: 'sheet', rule: 'column_known', message: `unknown column ${name}; see the example sheet`, messageZh: `无法识别的列“${name}”，请参照示例表格` })),
      ]);
    }
    if (!records.length) throw Problem.badRequest([{ field: 'sheet', in: 'sheet', rule: 'rows_present', message: 'the sheet has no data rows', messageZh: '表格中没有数据行' }]);
    const errors: FieldProblem[] = [];
    const registrations: Registration[] = [];
    const seen = new Map<string, number>();
    const today = todayInShanghai();
    for (const { row, values } of records) {
      const { input, scan } = paperRowInput(values);
      const at = `row ${row}`;
      const parsed = paperContractFields.safeParse(input);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const path = issue.path.join('.');
          const own = 'params' in issue ? (issue.params as { rule?: string; messageZh?: string } | undefined) : undefined;
          const choice = issue.code === 'invalid_value' ? choiceMessagesZh[path] : undefined;
          errors.push({ field: columnOf(path), in: at, rule: own?.rule ?? issue.code, message: issue.message, messageZh: own?.messageZh ?? choice ?? `“${columnOf(path)}”内容不符合要求` });
        }
      }
      if (!scan) errors.push({ field: '扫描件文件名', in: at, rule: 'required', message: 'names the scan of this contract', messageZh: '请填写扫描件文件名' });
      else if (seen.has(`scan:${scan}`))
        errors.push({
          field: '扫描件文件名',
          in: at,
          rule: 'scan_unique',
          message: `row ${seen.get(`scan:${scan}`)} names the same scan`,
          messageZh: `与第 ${seen.get(`scan:${scan}`)} 行的扫描件相同`,
        });
      if (!parsed.success || !scan) continue;
      seen.set(`scan:${scan}`, row);
      const terms = paperTermProblems(parsed.data, today);
      for (const p of terms) errors.push({ ...p, field: columnOf(p.field), in: at });
      const key = `${parsed.data.worker.idNumber}|${parsed.data.kind}|${parsed.data.startDate}`;
      if (seen.has(key))
        errors.push({ field: '合同起始日期', in: at, rule: 'not_registered', message: `row ${seen.get(key)} registers the same contract`, messageZh: `与第 ${seen.get(key)} 行是同一份合同` });
      seen.set(key, row);
      if (!terms.length) registrations.push({ row, fields: parsed.data, scan });
    }
    if (errors.length) throw rowsProblem(errors);
    return registrations;
  }

  /** The rows in one transaction over scans already archived; a failed transaction removes what was stored for it. */
  private async write(organisation: Organisation, registrations: Registration[], stored: Map<string, ArchivedObject>, actor: Actor, source: 'body' | 'sheet') {
    try {
      return await this.deps.db.$transaction(async (tx) => this.record(tx, organisation, registrations, stored, actor, source), { timeout: 5 * 60_000 });
    } catch (error) {
      await this.removeStored(stored);
      throw error;
    }
  }

  private async record(tx: DbTx, organisation: Organisation, registrations: Registration[], stored: Map<string, ArchivedObject>, actor: Actor, source: 'body' | 'sheet') {
    const workerIds = await upsertWorkers(
      tx,
      this.deps.crypto,
      registrations.map((r) => r.fields.worker),
    );
    const existing = await tx.paperContract.findMany({
      where: { organisationId: organisation.id, workerId: { in: [...new Set(workerIds)] } },
      select: { workerId: true, kind: true, startDate: true },
    });
    const taken = new Set(existing.map((e) => `${e.workerId}|${e.kind}|${calendarDay(e.startDate)}`));
    const duplicates = registrations.filter((r, i) => taken.has(`${workerIds[i]}|${r.fields.kind}|${r.fields.startDate}`));
    if (duplicates.length) {
      throw Problem.conflict(
        'A contract of this worker, kind and start date is registered already.',
        duplicates.map((r) => ({
          field: source === 'sheet' ? '合同起始日期' : 'startDate',
          in: source === 'sheet' ? `row ${r.row}` : 'body',
          rule: 'not_registered',
          message: 'already registered',
          messageZh: '该劳动者同一起始日期的合同已备案',
        })),
      );
    }
    const now = new Date();
    const documents = registrations.map((r) => {
      const object = stored.get(r.scan)!;
      return {
        id: uuidv7(),
        kind: 'paper_scan' as const,
        ...archivedPdf(object),
        createdAt: now,
      };
    });
    const rows = registrations.map((r, i) => ({
      id: uuidv7(),
      organisationId: organisation.id,
      workerId: workerIds[i]!,
      documentId: documents[i]!.id,
      kind: r.fields.kind,
      paperNumber: r.fields.paperNumber ?? null,
      employmentForm: r.fields.employmentForm,
      termType: r.fields.termType,
      startDate: asDate(r.fields.startDate),
      endDate: r.fields.endDate ? asDate(r.fields.endDate) : null,
      signedOn: asDate(r.fields.signedOn),
      post: r.fields.post ?? null,
      monthlyWage: r.fields.monthlyWage ?? null,
      regionCode: organisation.regionCode,
      createdAt: now,
    }));
    await tx.document.createMany({ data: documents });
    await tx.paperContract.createMany({ data: rows });
    await this.deps.audit.appendMany(
      tx,
      rows.map((row, i) => ({
        chain: chainOf(organisation.id),
        type: 'paper_contract.registered',
        actor,
        data: {
          paperContractId: row.id,
          workerId: row.workerId,
          kind: row.kind,
          startDate: registrations[i]!.fields.startDate,
          signedOn: registrations[i]!.fields.signedOn,
          sha256: documents[i]!.sha256,
          source,
        },
      })),
    );
    return rows.map((row, i) => paperContractView({ ...row, monthlyWage: row.monthlyWage === null ? null : (row.monthlyWage as never), renewedById: null, document: documents[i]! }));
  }

  async list(organisationId: string, page: { after?: string; limit: number }) {
    const rows = await this.deps.db.paperContract.findMany({
      where: { organisationId, ...(page.after ? { id: { gt: page.after } } : {}) },
      include: { document: { select: { sha256: true, size: true } } },
      orderBy: { id: 'asc' },
      take: page.limit,
    });
    return { items: rows.map(paperContractView), next: rows.length === page.limit ? rows.at(-1)!.id : null };
  }

  private async own(organisationId: string, id: string) {
    const row = await this.deps.db.paperContract.findFirst({ where: { id, organisationId }, include: { document: true } });
    if (!row) throw Problem.notFound('Paper contract');
    return row;
  }

  /** The archived scan, checked against its recorded SHA-256 on the way out. */
  async scan(organisationId: string, id: string) {
    const row = await this.own(organisationId, id);
    return { pdf: await this.deps.archive.read(row.document), sha256: row.document.sha256 };
  }

  /** Conversion at renewal: the electronic contract (same worker and employer, not earlier) that renews the paper one. */
  async recordRenewal(organisationId: string, id: string, contractId: string, actor: Actor) {
    const row = await this.own(organisationId, id);
    const contract = await this.deps.db.contract.findFirst({ where: { id: contractId, employerId: organisationId, workerId: row.workerId, previousId: null } });
    if (!contract)
      throw Problem.badRequest([
        {
          field: 'contractId',
          in: 'body',
          rule: 'same_worker_contract',
          message: "must be one of your electronic contracts with this paper contract's worker",
          messageZh: '应为本单位与该劳动者订立的电子劳动合同',
        },
      ]);
    if (contract.startDate && contract.startDate <= row.startDate)
      throw Problem.badRequest([
        { field: 'contractId', in: 'body', rule: 'starts_after_paper', message: 'the renewal starts after the paper contract', messageZh: '续订的电子劳动合同应晚于纸质合同开始' },
      ]);
    if (row.renewedById)
      throw Problem.conflict('This paper contract has been renewed already.', [
        { field: 'contractId', rule: 'not_renewed', message: `renewed by ${row.renewedById}`, messageZh: '该纸质合同已续订为电子劳动合同' },
      ]);
    return this.deps.db.$transaction(async (tx) => {
      const updated = await tx.paperContract.update({ where: { id: row.id }, data: { renewedById: contract.id }, include: { document: { select: { sha256: true, size: true } } } });
      await this.deps.audit.appendMany(tx, [
        { chain: chainOf(organisationId), type: 'paper_contract.renewed_electronically', actor, data: { paperContractId: row.id, contractId: contract.id } },
        { chain: contract.id, contractId: contract.id, type: 'contract.renews_paper', actor, data: { paperContractId: row.id, paperSha256: row.document.sha256 } },
      ]);
      return paperContractView(updated);
    });
  }

  /** 劳动保障监察: an employer's registered paper contracts, marked paper; each worker listed is logged. */
  async forInspection(official: Official, uscc: string, reason: AccessReason, page: { after?: string; limit: number }) {
    const { db, crypto } = this.deps;
    const organisation = await db.organisation.findUnique({ where: { uscc } });
    if (!organisation || organisation.kind === 'platform' || !reaches(officialReader(official), 'employer.file', { regionCode: organisation.regionCode }).allowed) throw Problem.notFound('Employer');
    const rows = await db.paperContract.findMany({
      where: { organisationId: organisation.id, regionCode: { startsWith: officialScope(official) }, ...(page.after ? { id: { gt: page.after } } : {}) },
      include: { document: { select: { sha256: true, size: true } }, worker: { select: { nameCipher: true, idCipher: true, phoneCipher: true } } },
      orderBy: { id: 'asc' },
      take: page.limit,
    });
    await db.accessLog.createMany({
      data: [...new Set(rows.map((r) => r.workerId))].map((workerId) => ({
        officialId: official.officialId,
        action: 'paper_contracts.listed',
        purpose: `${reason.purpose}（${organisation.name}）`,
        caseNumber: reason.caseNumber ?? null,
        workerId,
      })),
    });
    return {
      employer: { name: organisation.name, uscc: organisation.uscc, regionCode: organisation.regionCode },
      items: rows.map(({ worker, ...row }) => ({ ...paperContractView(row), worker: { name: readWorker(crypto, worker).name } })),
      next: rows.length === page.limit ? rows.at(-1)!.id : null,
    };
  }
}
