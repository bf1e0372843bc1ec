/**
 * SMS one-time codes for signing intent and the worker portal: 6 digits, valid 5 minutes,
 * at most 5 attempts, at most one new code a minute and ten an hour per subject. Only an HMAC
 * of the code is stored.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { DbTx } from '../db/client.ts';
import { Problem } from '../problem.ts';

export const codePolicy = { digits: 6, ttlMs: 5 * 60_000, maxAttempts: 5, minIntervalMs: 60_000, maxPerHour: 10 } as const;

export type CodeCheck = { ok: true } | { ok: false; reason: 'expired' | 'wrong' | 'exhausted' | 'none'; attemptsLeft: number };

export class OneTimeCodes {
  constructor(private readonly pepper: Buffer) {}

  private hash(purpose: string, subject: string, code: string): string {
    return createHmac('sha256', this.pepper).update(`${purpose}\0${subject}\0${code}`).digest('hex');
  }

  /** Creates a code; refuses (429) when the subject asked too recently or too often. */
  async issue(tx: DbTx, purpose: string, subject: string, now = new Date()): Promise<string> {
    const recent = await tx.oneTimeCode.findMany({
      where: { purpose, subject, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    const last = recent[0];
    if (last && now.getTime() - last.createdAt.getTime() < codePolicy.minIntervalMs) {
      throw new Problem(429, 'code-rate-limited', 'Too many codes', 'A code was sent less than a minute ago.', [
        { field: 'code', rule: 'rate_limit', message: 'wait a minute before asking for another code', messageZh: '验证码发送过于频繁，请一分钟后再试' },
      ]);
    }
    if (recent.length >= codePolicy.maxPerHour) {
      throw new Problem(429, 'code-rate-limited', 'Too many codes', 'Too many codes in the last hour.', [
        { field: 'code', rule: 'rate_limit', message: 'too many codes this hour', messageZh: '一小时内验证码次数过多，请稍后再试' },
      ]);
    }
    const code = String(randomInt(0, 10 ** codePolicy.digits)).padStart(codePolicy.digits, '0');
    await tx.oneTimeCode.create({ data: { purpose, subject, codeHash: this.hash(purpose, subject, code), expiresAt: new Date(now.getTime() + codePolicy.ttlMs) } });
    return code;
  }

  /**
   * Checks a code against the newest unconsumed one; a right code is consumed. Every check first
   * claims one attempt with a single conditional UPDATE … RETURNING, so concurrent guesses are
   * counted one by one and no more than `maxAttempts` are ever compared, however many arrive at once.
   */
  async verify(tx: DbTx, purpose: string, subject: string, code: string, now = new Date()): Promise<CodeCheck> {
    const claimed = await tx.$queryRaw<{ id: string; codeHash: string; attempts: number }[]>`
      update "OneTimeCode" set "attempts" = "attempts" + 1
      where "id" = (select "id" from "OneTimeCode" where "purpose" = ${purpose} and "subject" = ${subject} and "consumedAt" is null order by "createdAt" desc limit 1)
        and "consumedAt" is null and "attempts" < ${codePolicy.maxAttempts} and "expiresAt" > ${now}
      returning "id", "codeHash", "attempts"`;
    const attempt = claimed[0];
    if (!attempt) {
      // No attempt left to claim: say why.
      const current = await tx.oneTimeCode.findFirst({ where: { purpose, subject, consumedAt: null }, orderBy: { createdAt: 'desc' } });
      if (!current) return { ok: false, reason: 'none', attemptsLeft: 0 };
      if (current.attempts >= codePolicy.maxAttempts) return { ok: false, reason: 'exhausted', attemptsLeft: 0 };
      return { ok: false, reason: 'expired', attemptsLeft: codePolicy.maxAttempts - current.attempts };
    }
    const expected = Buffer.from(attempt.codeHash, 'hex');
    const given = Buffer.from(this.hash(purpose, subject, code.trim()), 'hex');
    if (timingSafeEqual(expected, given)) {
      const consumed = await tx.oneTimeCode.updateMany({ where: { id: attempt.id, consumedAt: null }, data: { consumedAt: now } });
      if (consumed.count === 1) return { ok: true };
      return { ok: false, reason: 'none', attemptsLeft: 0 };
    }
    return { ok: false, reason: attempt.attempts >= codePolicy.maxAttempts ? 'exhausted' : 'wrong', attemptsLeft: codePolicy.maxAttempts - attempt.attempts };
  }
}
