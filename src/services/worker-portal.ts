/**
 * 我的合同: the worker's own view of every contract sent to their phone number, free and
 * without an account — phone number plus a one-time code opens a short session. Each download
 * is recorded in the contract's evidence trail.
 */
import type { Db } from '../db/client.ts';
import type { Outbox } from '../notify/outbox.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { AuditLog } from './audit.ts';
import { findContracts, loadContract } from './contract/access.ts';
import type { OneTimeCodes } from './one-time-codes.ts';
import { contractDocument } from './contract/documents.ts';
import { hashToken, newToken } from './tokens.ts';
import { phoneIndex } from './workers.ts';

const portalCodePurpose = 'portal';
const sessionTtlMs = 12 * 3_600_000;

export interface PortalDeps {
  db: Db;
  audit: AuditLog;
  crypto: FieldCrypto;
  outbox: Outbox;
  codes: OneTimeCodes;
  archive: ObjectArchive;
}

const sessionProblem = () =>
  new Problem(401, 'portal-session', '请先登录', '登录已过期，请用手机号和验证码重新登录', [
    { field: 'x-portal-session', in: 'header', rule: 'valid_session', message: 'log in again', messageZh: '登录已过期，请重新登录' },
  ]);

export class WorkerPortal {
  constructor(private readonly deps: PortalDeps) {}

  /** Texts a login code when the number belongs to a worker; answers the same either way. */
  async requestCode(phone: string): Promise<{ sent: true }> {
    const { db, crypto, codes, outbox } = this.deps;
    const index = phoneIndex(crypto, phone);
    const known = await db.worker.findFirst({ where: { phoneIndex: index }, select: { id: true } });
    if (known) {
      try {
        await db.$transaction(async (tx) => {
          const code = await codes.issue(tx, portalCodePurpose, index);
          await outbox.enqueue(tx, { channel: 'sms', kind: 'portal-code', to: phone, text: `【劳签】您正在登录“我的合同”，验证码${code}，5分钟内有效。查看和下载合同免费。` });
        });
      } catch (error) {
        // Rate limits are not reported: the answer must not reveal whether the number is known.
        if (!(error instanceof Problem && error.status === 429)) throw error;
      }
    }
    return { sent: true };
  }

  async login(phone: string, code: string): Promise<{ token: string; expiresAt: Date }> {
    const { db, crypto, codes } = this.deps;
    const index = phoneIndex(crypto, phone);
    const check = await db.$transaction((tx) => codes.verify(tx, portalCodePurpose, index, code));
    if (!check.ok) {
      const messageZh = check.reason === 'expired' ? '验证码已过期，请重新获取' : check.reason === 'exhausted' ? '验证码错误次数过多，请重新获取' : '验证码不正确';
      throw new Problem(422, 'code-invalid', '验证码不正确', messageZh, [{ field: 'code', rule: check.reason, message: `code ${check.reason}`, messageZh }]);
    }
    const token = newToken();
    const expiresAt = new Date(Date.now() + sessionTtlMs);
    await db.portalSession.create({ data: { tokenHash: hashToken(token), phoneIndex: index, expiresAt } });
    return { token, expiresAt };
  }

  /** The blind index of the phone a portal session belongs to (401 when the session is gone). */
  async phoneOf(token: string | undefined): Promise<string> {
    if (!token) throw sessionProblem();
    const session = await this.deps.db.portalSession.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!session || session.expiresAt <= new Date()) throw sessionProblem();
    return session.phoneIndex;
  }

  async contracts(token: string | undefined) {
    const index = await this.phoneOf(token);
    const rows = await findContracts(this.deps.db, { kind: 'worker', phoneIndex: index }, 'portal', {
      include: { employer: { select: { name: true } }, template: { select: { title: true } } },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((c) => ({
      hasTerminationCertificate: c.status === 'terminated',
      id: c.id,
      number: c.number,
      title: c.template.title,
      employerName: c.employer.name,
      status: c.status,
      startDate: c.startDate,
      endDate: c.endDate,
      effectiveAt: c.effectiveAt,
    }));
  }

  async download(token: string | undefined, contractId: string, context: { ip?: string; userAgent?: string }, which: 'contract' | 'termination-certificate' = 'contract') {
    const index = await this.phoneOf(token);
    const { db, archive } = this.deps;
    const contract = await loadContract(db, { kind: 'worker', phoneIndex: index }, contractId, 'contract.read').catch((error: unknown) => {
      throw error instanceof Problem && error.status === 404 ? new Problem(404, 'not-found', '未找到该合同', '未找到该合同', undefined, { messageZh: '未找到该合同' }) : error;
    });
    const document = await contractDocument(db, contract.id, which);
    const pdf = await archive.read(document);
    await db.$transaction((tx) =>
      this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: 'document.downloaded',
        actor: { kind: 'worker', id: index.slice(0, 16) },
        ip: context.ip,
        userAgent: context.userAgent,
        data: { documentSha256: document.sha256, kind: document.kind, via: 'portal' },
      }),
    );
    return { pdf, number: which === 'contract' ? contract.number : `${contract.number}-Z`, sha256: document.sha256 };
  }
}
