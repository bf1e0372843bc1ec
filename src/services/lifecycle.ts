/**
 * The contract events nobody signs: the employer voids a contract that was never signed, a
 * signing link runs out, a fixed term ends. Each moves the contract through the pure state
 * machine and leaves an audit event, in one transaction per contract.
 */
import type { Db, DbTx } from '../db/client.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import { retentionEnd } from '../domain/contract-lifecycle.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { Outbox } from '../notify/outbox.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { Actor, AuditLog } from './audit.ts';
import { readWorker } from './workers.ts';
import { contractById, employerReader, findContractsForSystem, loadContract } from './contract/access.ts';
import { moveContract, requireTransition, tryMoveContract } from './contract/transitions.ts';

const systemActor: Actor = { kind: 'system', id: 'lifecycle' };

export interface SweepResult {
  linksExpired: number;
  termsEnded: number;
}

export class LifecycleService {
  constructor(private readonly deps: { db: Db; audit: AuditLog; archive: ObjectArchive; outbox: Outbox; crypto: FieldCrypto }) {}

  /**
   * Voids a contract the worker has not signed (wrong data, position withdrawn): its links stop
   * working at once and a worker who was sent one is told by SMS.
   */
  async void(organisation: Organisation, contractId: string, reason: string, context: { actor: Actor; ip?: string; userAgent?: string }) {
    const { db, outbox, crypto } = this.deps;
    return db.$transaction(async (tx) => {
      const contract = await loadContract(tx, employerReader(organisation), contractId, 'contract.manage', { include: { worker: true } });
      const next = requireTransition(contract.status, 'void');
      await moveContract(tx, contract, next, { whenChanged: 'The contract changed meanwhile; reload it and try again' });
      const now = new Date();
      const revoked = await tx.signingLink.updateMany({ where: { contractId: contract.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
      await this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: 'contract.voided',
        actor: context.actor,
        ip: context.ip,
        userAgent: context.userAgent,
        data: { reason, from: contract.status, linksRevoked: revoked.count },
      });
      const worker = readWorker(crypto, contract.worker);
      if (contract.status !== 'draft' && contract.status !== 'sealed' && worker.phone) {
        await outbox.enqueue(tx, {
          channel: 'sms',
          kind: 'contract-voided',
          to: worker.phone,
          text: `【劳签】${organisation.name}已作废待签署的电子劳动合同（编号${contract.number}），原签署链接失效，无需签署。理由：${reason}`,
        });
      }
      return { status: next };
    });
  }

  /** Sent contracts whose every link has run out become link_expired (the employer may resend). */
  async expireLinks(now = new Date()): Promise<number> {
    const { db } = this.deps;
    const due = await findContractsForSystem(db, {
      where: { status: 'sent', links: { none: { OR: [{ expiresAt: { gt: now } }, { usedAt: { not: null } }] } } },
      select: { id: true },
      take: 1000,
    });
    let expired = 0;
    for (const { id } of due) {
      expired += await db.$transaction(async (tx) => {
        const contract = await contractById(tx, id, { links: { orderBy: { expiresAt: 'desc' }, take: 1 } });
        if (contract.status !== 'sent' || (contract.links[0] && contract.links[0].expiresAt > now)) return 0;
        return (await this.move(tx, contract, 'expire_link', 'contract.link_expired', { expiredAt: contract.links[0]?.expiresAt.toISOString() })) ? 1 : 0;
      });
    }
    return expired;
  }

  /**
   * Fixed-term contracts past their last day become expired, with the Art. 50 retention clock
   * started, unless the worker is still on the employer's roster: a worker who goes on working
   * after the term without objection is deemed to continue on the same terms (最高人民法院
   * 劳动争议解释（一） Art. 34), so that contract stays effective and supervision flags it.
   */
  async expireTerms(today = shanghaiDate()): Promise<number> {
    const { db, archive } = this.deps;
    const due = await findContractsForSystem(db, {
      where: { status: { in: ['signed', 'renewed', 'changed'] }, previousId: null, endDate: { lt: new Date(`${today}T00:00:00Z`) } },
      select: { id: true, employerId: true, workerId: true },
      take: 1000,
    });
    let ended = 0;
    for (const candidate of due) {
      const stillWorking = await db.rosterEntry.findFirst({ where: { organisationId: candidate.employerId, workerId: candidate.workerId, separationDate: null }, select: { id: true } });
      if (stillWorking) continue;
      const result = await db.$transaction(async (tx) => {
        const contract = await contractById(tx, candidate.id);
        if (!['signed', 'renewed', 'changed'].includes(contract.status) || !contract.endDate) return undefined;
        const endDate = contract.endDate.toISOString().slice(0, 10);
        const retainUntil = new Date(`${retentionEnd(endDate)}T00:00:00Z`);
        if (!(await this.move(tx, contract, 'expire_term', 'contract.expired', { endDate, retainUntil: retentionEnd(endDate) }, { retainUntil }))) return undefined;
        await tx.document.updateMany({ where: { contractId: contract.id }, data: { retainUntil } });
        return { retainUntil, objects: await tx.document.findMany({ where: { contractId: contract.id }, select: { objectKey: true, versionId: true } }) };
      });
      if (!result) continue;
      for (const object of result.objects) await archive.extendRetention(object.objectKey, result.retainUntil, object.versionId);
      ended++;
    }
    return ended;
  }

  /** One sweep: links first, then terms; run daily and on demand. */
  async sweep(now = new Date()): Promise<SweepResult> {
    return { linksExpired: await this.expireLinks(now), termsEnded: await this.expireTerms(shanghaiDate(now)) };
  }

  /** False when another process moved the contract first (the revision changed). */
  private async move(
    tx: DbTx,
    contract: { id: string; status: string; revision: number },
    event: 'expire_link' | 'expire_term',
    type: string,
    data: Record<string, unknown>,
    extra: { retainUntil?: Date } = {},
  ): Promise<boolean> {
    const next = requireTransition(contract.status, event);
    if (!(await tryMoveContract(tx, contract, next, extra))) return false;
    await this.deps.audit.append(tx, { chain: contract.id, contractId: contract.id, type, actor: systemActor, data });
    return true;
  }
}
