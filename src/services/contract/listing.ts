/**
 * The employer's contracts as the console shows them: a filtered, paged list and one contract
 * with its documents, its timeline (the audit trail, acts named by person) and the events its
 * state allows. Workers are shown masked (masking.ts); reads go through the one access check.
 */
import type { Db } from '../../db/client.ts';
import { addDays, todayInShanghai } from '../../domain/calendar.ts';
import { allowedEvents, type ContractState } from '../../domain/contract-lifecycle.ts';
import type { ContractStatus, Prisma } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';
import type { FieldCrypto } from '../../security/field-crypto.ts';
import type { Principal } from '../principals.ts';
import { readWorker } from '../workers.ts';
import { loadContract, readerOf } from './access.ts';
import { maskName, maskPhone } from './masking.ts';

export interface ContractFilter {
  status?: ContractStatus;
  templateId?: string;
  /** Sent to the worker and not signed yet (also a link that expired). */
  awaitingSignature?: boolean;
  /** In force and ending within this many days (Beijing calendar). */
  expiringWithinDays?: number;
  /** Part of the contract number. */
  number?: string;
}

const awaiting: ContractStatus[] = ['sent', 'link_expired'];
const inForce: ContractStatus[] = ['signed', 'renewed', 'changed'];
const day = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

/** Display names of console users behind audit actor ids (staff-accounts.ts). */
export interface ActorNames {
  namesOf(organisationId: string, actorIds: (string | null)[]): Promise<Map<string, string>>;
}

function employerOf(principal: Principal): string {
  if (principal.kind !== 'employer') throw Problem.forbidden('Only employers list their contracts.');
  return principal.organisationId;
}

export class ContractListing {
  constructor(private readonly deps: { db: Db; crypto: FieldCrypto; actorNames: ActorNames }) {}

  async list(principal: Principal, filter: ContractFilter, page: { page: number; pageSize: number }, now = new Date()) {
    const { db, crypto } = this.deps;
    const statuses: ContractStatus[][] = [];
    if (filter.status) statuses.push([filter.status]);
    if (filter.awaitingSignature) statuses.push(awaiting);
    if (filter.expiringWithinDays !== undefined) statuses.push(inForce);
    const today = todayInShanghai(now);
    const where: Prisma.ContractWhereInput = {
      employerId: employerOf(principal),
      AND: statuses.map((among) => ({ status: { in: among } })),
      ...(filter.templateId ? { templateId: filter.templateId } : {}),
      ...(filter.number ? { number: { contains: filter.number, mode: 'insensitive' } } : {}),
      ...(filter.expiringWithinDays !== undefined ? { endDate: { gte: new Date(today), lte: new Date(addDays(today, filter.expiringWithinDays)) } } : {}),
    };
    const [total, rows] = await Promise.all([
      db.contract.count({ where }),
      db.contract.findMany({
        where,
        include: { worker: true, template: { select: { title: true } } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page.page - 1) * page.pageSize,
        take: page.pageSize,
      }),
    ]);
    const items = rows.map((c) => ({
      id: c.id,
      number: c.number,
      status: c.status,
      worker: maskName(readWorker(crypto, c.worker).name),
      templateId: c.templateId,
      templateTitle: c.template.title,
      startDate: day(c.startDate),
      endDate: day(c.endDate),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    }));
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  /** One contract for its page: record, masked worker, documents, signatures, timeline and allowed events. */
  async detail(principal: Principal, contractId: string) {
    const { db, crypto, actorNames } = this.deps;
    const organisationId = employerOf(principal);
    const contract = await loadContract(db, readerOf(principal), contractId, 'contract.manage', {
      include: { worker: true, template: { select: { title: true } }, documents: { orderBy: { createdAt: 'asc' } }, signatures: { orderBy: { signedAt: 'asc' } } },
    });
    const events = await db.auditEvent.findMany({ where: { chain: contract.id }, orderBy: { seq: 'asc' }, select: { seq: true, type: true, actorKind: true, actorId: true, at: true } });
    const names = await actorNames.namesOf(
      organisationId,
      events.map((e) => e.actorId),
    );
    const worker = readWorker(crypto, contract.worker);
    return {
      id: contract.id,
      number: contract.number,
      status: contract.status,
      templateId: contract.templateId,
      templateVersion: contract.templateVersion,
      templateTitle: contract.template.title,
      employmentForm: contract.employmentForm,
      termType: contract.termType,
      startDate: day(contract.startDate),
      endDate: day(contract.endDate),
      createdAt: contract.createdAt,
      worker: { name: maskName(worker.name), phone: worker.phone ? maskPhone(worker.phone) : null },
      documents: contract.documents.map((d) => ({ kind: d.kind, sha256: d.sha256, size: d.size, createdAt: d.createdAt })),
      signatures: contract.signatures.map((s) => ({ role: s.role, signedAt: s.signedAt, timestampAt: s.timestampAt })),
      timeline: events.map((e) => ({ seq: e.seq, type: e.type, actorKind: e.actorKind, actor: e.actorId ? (names.get(e.actorId) ?? null) : null, at: e.at })),
      allowedEvents: allowedEvents(contract.status as ContractState),
    };
  }
}
