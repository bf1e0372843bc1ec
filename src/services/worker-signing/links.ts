/**
 * Signing links: the token sent by SMS (only its hash is stored), its lifetime, the lockout
 * after repeated failed checks, and the audit events recorded under the link.
 */
import type { Db, DbTx } from '../../db/client.ts';
import type { Organisation } from '../../generated/prisma/client.ts';
import type { Outbox } from '../../notify/outbox.ts';
import { Problem, type FieldProblem } from '../../problem.ts';
import type { FieldCrypto } from '../../security/field-crypto.ts';
import type { GlyphOutliner } from '../../signing/appearance/outlines.ts';
import type { Pki } from '../../signing/pki/authority.ts';
import type { OcspResponder } from '../../signing/revocation/ocsp.ts';
import type { TimestampClient } from '../../signing/types.ts';
import type { ObjectArchive } from '../../storage/archive.ts';
import { shanghaiDate } from '../../domain/calendar.ts';
import type { Actor, AuditLog } from '../audit.ts';
import { contractFieldsColumn, type TemplateCatalog } from '../contracts.ts';
import { confirmationsOwed, type WorkerConfirmation } from '../../domain/worker-confirmations.ts';
import { employerReader, loadContract } from '../contract/access.ts';
import { moveContract, requireTransition } from '../contract/transitions.ts';
import type { OneTimeCodes } from '../one-time-codes.ts';
import type { SealingService } from '../sealing.ts';
import { hashToken, newToken } from '../tokens.ts';
import { readWorker } from '../workers.ts';

export const linkPolicy = { maxFailures: 5, sessionTtlMs: 10 * 60_000, eventCertificateMinutes: 30 } as const;

export interface WorkerSigningDeps {
  db: Db;
  audit: AuditLog;
  archive: ObjectArchive;
  crypto: FieldCrypto;
  outbox: Outbox;
  codes: OneTimeCodes;
  pki: Pki;
  ocsp: OcspResponder;
  timestamps: TimestampClient;
  outliner: () => GlyphOutliner;
  publicBaseUrl: string;
  templates: TemplateCatalog;
  linkTtlHours: number;
  sealing: SealingService;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

/** A problem shown to the worker: Chinese title and detail, the field and rule named. */
export function workerProblem(status: number, slug: string, titleZh: string, errors: FieldProblem[] = []): Problem {
  return new Problem(status, slug, titleZh, errors[0]?.messageZh ?? titleZh, errors);
}

/** Another step (a second tab, the employer) moved the contract between reading and writing it. */
export const contractChanged = () =>
  workerProblem(409, 'contract-changed', '合同状态已变化', [
    { field: 'status', rule: 'unchanged_since_read', message: 'the contract changed meanwhile; reload it and try again', messageZh: '合同状态刚刚发生了变化，请刷新页面后查看' },
  ]);

export const workerActor = (linkId: string): Actor => ({ kind: 'worker', id: linkId });

/** A link as found by its token, with its contract, worker and employer. */
export type SigningLink = Awaited<ReturnType<SigningLinks['find']>>;

export class SigningLinks {
  constructor(private readonly deps: WorkerSigningDeps) {}

  signingUrl(token: string): string {
    return `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/s/${token}`;
  }

  /** A new signing link for a contract: the token (only ever in the SMS), its hash, expiry and the SMS. */
  invitation(employerName: string, worker: { name: string; phone: string }, contractNumber: string) {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.deps.linkTtlHours * 3_600_000);
    const message = {
      channel: 'sms' as const,
      kind: 'signing-link',
      to: worker.phone,
      text: `【劳签】${worker.name}您好，${employerName}邀请您签署电子劳动合同（编号${contractNumber}）。请在${shanghaiDate(expiresAt)}前打开链接阅读并签署：${this.signingUrl(token)} 查看和下载合同免费。如非本人请忽略。`,
    };
    return { tokenHash: hashToken(token), expiresAt, message };
  }

  /** Sends (or resends) the signing link to the worker; a new link replaces any earlier one. */
  async send(organisation: Organisation, contractId: string, context: RequestContext & { actor: Actor }) {
    const { db, crypto, outbox } = this.deps;
    const contract = await loadContract(db, employerReader(organisation), contractId, 'contract.manage', { include: { worker: true } });
    const event = contract.status === 'sealed' ? 'send' : 'resend';
    const next = requireTransition(contract.status, event);
    const worker = readWorker(crypto, contract.worker);
    if (!worker.phone) throw Problem.conflict('The worker has no phone number to send the link to.', [{ field: 'worker.phone', rule: 'required', message: 'no phone number' }]);
    const invitation = this.invitation(organisation.name, { name: worker.name, phone: worker.phone }, contract.number);
    const { expiresAt } = invitation;
    await db.$transaction(async (tx) => {
      await moveContract(tx, contract, next, { whenChanged: 'The contract changed meanwhile; try again.' });
      await tx.signingLink.updateMany({ where: { contractId: contract.id, usedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
      const link = await tx.signingLink.create({ data: { contractId: contract.id, tokenHash: invitation.tokenHash, expiresAt } });
      await outbox.enqueue(tx, invitation.message);
      await this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: event === 'send' ? 'contract.sent' : 'contract.resent',
        actor: context.actor,
        ip: context.ip,
        userAgent: context.userAgent,
        data: { linkId: link.id, expiresAt: expiresAt.toISOString() },
      });
    });
    return { status: next, expiresAt };
  }

  /** The link behind a token, refused when unknown, used, revoked, locked or expired. */
  async find(token: string) {
    const link = await this.deps.db.signingLink.findUnique({ where: { tokenHash: hashToken(token) }, include: { contract: { include: { worker: true, employer: true } } } });
    if (!link || link.revokedAt)
      throw workerProblem(404, 'link-not-found', '签署链接无效', [
        { field: 'token', in: 'path', rule: 'exists', message: 'unknown or replaced link', messageZh: '签署链接无效或已被新的链接取代，请使用最新收到的短信链接' },
      ]);
    if (link.usedAt)
      throw workerProblem(410, 'link-used', '签署链接已使用', [
        { field: 'token', in: 'path', rule: 'unused', message: 'the link was already used', messageZh: '该合同已通过此链接完成签署或已拒签，链接不能再次使用；请到“我的合同”查看' },
      ]);
    if (link.lockedAt)
      throw workerProblem(423, 'link-locked', '签署链接已锁定', [
        { field: 'token', in: 'path', rule: 'not_locked', message: 'too many failed attempts', messageZh: '验证失败次数过多，链接已锁定，请联系用人单位重新发送' },
      ]);
    if (link.expiresAt <= new Date())
      throw workerProblem(410, 'link-expired', '签署链接已过期', [
        { field: 'token', in: 'path', rule: 'not_expired', message: 'the link expired', messageZh: '签署链接已过期，请联系用人单位重新发送' },
      ]);
    return link;
  }

  /** The declarations the worker must confirm apart when signing this contract (domain/worker-confirmations.ts). */
  confirmations(contract: { templateId: string; fieldsCipher: Uint8Array }): WorkerConfirmation[] {
    const fields = this.deps.crypto.decryptJson<Record<string, unknown>>(contract.fieldsCipher, contractFieldsColumn);
    return confirmationsOwed(this.deps.templates.get(contract.templateId)?.toContractTerms(fields));
  }

  /** An audit event on the contract's chain, by the worker holding the link. */
  async audit(tx: DbTx, link: { id: string; contractId: string }, type: string, context: RequestContext, data: Record<string, unknown> = {}) {
    await this.deps.audit.append(tx, { chain: link.contractId, contractId: link.contractId, type, actor: workerActor(link.id), ip: context.ip, userAgent: context.userAgent, data });
  }

  /** Counts a failed check; the fifth locks the link. */
  async fail(link: { id: string; contractId: string; failedAttempts: number }, type: string, context: RequestContext, data: Record<string, unknown>) {
    const failures = link.failedAttempts + 1;
    const locked = failures >= linkPolicy.maxFailures;
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { failedAttempts: failures, ...(locked ? { lockedAt: new Date() } : {}) } });
      await this.audit(tx, link, type, context, { ...data, failures, locked });
    });
    return { locked, attemptsLeft: Math.max(0, linkPolicy.maxFailures - failures) };
  }

  /** Locks the link at once (the code's own attempts ran out). */
  async lock(linkId: string): Promise<void> {
    await this.deps.db.signingLink.update({ where: { id: linkId }, data: { lockedAt: new Date() } });
  }
}
