/**
 * The worker's steps on a signing link before the signature: opening it, reading the contract
 * to the end, the identity check (name and ID number), the one-time code, and the refusal
 * (拒签) with a reason. Every failed check counts toward the link's lockout.
 */
import type { DbTx } from '../../db/client.ts';
import { parseResidentId } from '../../domain/identity.ts';
import { moveContract, requireTransition } from '../contract/transitions.ts';
import { latestDocument } from '../contract/documents.ts';
import { maskName, maskPhone } from '../contract/masking.ts';
import { readWorker } from '../workers.ts';
import { contractChanged, workerProblem, type RequestContext, type SigningLink, type SigningLinks, type WorkerSigningDeps } from './links.ts';
import { contractById } from '../contract/access.ts';

const signingCodePurpose = 'signing';

export const preSigningNotice = [
  '签署前请仔细阅读：',
  '1. 本合同为电子劳动合同，与纸质劳动合同具有同等法律效力。',
  '2. 签署流程：阅读合同全文 → 核验姓名和身份证号码 → 输入短信验证码 → 手写签名 → 确认签署意愿 → 完成签署。',
  '3. 您的签名密钥只在您的手机浏览器中生成和使用，不会离开您的设备。',
  '4. 签署后，您可随时在“我的合同”（/w）用手机号和验证码免费查看、下载本合同。',
  '5. 本平台对劳动者查看、下载合同不收取任何费用。如对合同内容有疑问，请先与用人单位沟通，您也可以拒绝签署并说明理由。',
].join('\n');

export class SigningSteps {
  constructor(
    private readonly deps: WorkerSigningDeps,
    private readonly links: SigningLinks,
  ) {}

  /** What the worker's page shows on opening the link. */
  async open(token: string, context: RequestContext) {
    const link = await this.links.find(token);
    const contract = link.contract;
    await this.deps.db.$transaction((tx) => this.links.audit(tx, link, 'link.opened', context));
    const worker = readWorker(this.deps.crypto, contract.worker);
    return {
      contract: { number: contract.number, templateId: contract.templateId, status: contract.status, employerName: contract.employer.name, startDate: contract.startDate, endDate: contract.endDate },
      worker: { maskedName: maskName(worker.name) },
      steps: { readToEnd: link.readToEndAt !== null, identityVerified: link.identityVerifiedAt !== null },
      confirmations: this.links.confirmations(contract),
      expiresAt: link.expiresAt,
      notice: preSigningNotice,
    };
  }

  async document(token: string, context: RequestContext): Promise<Uint8Array> {
    const link = await this.links.find(token);
    const document = await latestDocument(this.deps.db, link.contractId);
    const pdf = await this.deps.archive.read(document);
    await this.deps.db.$transaction((tx) => this.links.audit(tx, link, 'document.viewed', context, { documentSha256: document.sha256 }));
    return pdf;
  }

  async readToEnd(token: string, context: RequestContext) {
    const link = await this.links.find(token);
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { readToEndAt: link.readToEndAt ?? new Date() } });
      await this.links.audit(tx, link, 'document.read_to_end', context);
    });
    return { readToEnd: true };
  }

  /** Checks name and ID number against the contract, then texts a one-time code. */
  async verifyIdentity(token: string, input: { name: string; idNumber: string }, context: RequestContext) {
    const link = await this.links.find(token);
    if (!link.readToEndAt)
      throw workerProblem(409, 'not-read', '请先阅读合同全文', [
        { field: 'readToEnd', rule: 'required_first', message: 'read the contract to the end first (POST /api/v1/signing/{token}/read)', messageZh: '请先完整阅读合同至最后一页' },
      ]);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    const idOk = input.idNumber.trim().toUpperCase() === worker.idNumber.toUpperCase();
    const nameOk = input.name.trim() === worker.name;
    if (!idOk || !nameOk) {
      const { locked, attemptsLeft } = await this.links.fail(link, 'identity.failed', context, { nameMatches: nameOk, idNumberMatches: idOk });
      const parsed = parseResidentId(input.idNumber.trim().toUpperCase());
      const field = !parsed.ok ? 'idNumber' : !idOk ? 'idNumber' : 'name';
      const messageZh = !parsed.ok ? `身份证号码格式不正确：${parsed.reasonZh}` : `姓名或身份证号码与合同不一致，还可尝试${attemptsLeft}次`;
      throw workerProblem(locked ? 423 : 422, locked ? 'link-locked' : 'identity-mismatch', locked ? '签署链接已锁定' : '身份核验未通过', [
        { field, rule: 'matches_contract', message: 'does not match the contract', messageZh: locked ? '验证失败次数过多，链接已锁定，请联系用人单位重新发送' : messageZh },
      ]);
    }
    await this.deps.db.$transaction(async (tx) => {
      await tx.signingLink.update({ where: { id: link.id }, data: { identityVerifiedAt: new Date() } });
      await this.links.audit(tx, link, 'identity.verified', context);
      await this.textCode(tx, link, worker.phone!, context);
    });
    return { identityVerified: true, codeSentTo: maskPhone(worker.phone!) };
  }

  private async textCode(tx: DbTx, link: { id: string; contractId: string; contract: { number: string } }, phone: string, context: RequestContext) {
    const code = await this.deps.codes.issue(tx, signingCodePurpose, link.id);
    await this.deps.outbox.enqueue(tx, {
      channel: 'sms',
      kind: 'signing-code',
      to: phone,
      text: `【劳签】您正在签署电子劳动合同（编号${link.contract.number}），验证码${code}，5分钟内有效。请勿告诉他人。`,
    });
    await this.links.audit(tx, link, 'code.sent', context);
  }

  async resendCode(token: string, context: RequestContext) {
    const link = await this.links.find(token);
    if (!link.identityVerifiedAt)
      throw workerProblem(409, 'identity-first', '请先核验身份', [
        { field: 'identity', rule: 'required_first', message: 'verify identity first (POST /api/v1/signing/{token}/identity)', messageZh: '请先核验姓名和身份证号码' },
      ]);
    const worker = readWorker(this.deps.crypto, link.contract.worker);
    await this.deps.db.$transaction((tx) => this.textCode(tx, link, worker.phone!, context));
    return { codeSentTo: maskPhone(worker.phone!) };
  }

  /** The one-time code typed before signing; a wrong one counts toward the lockout, exhausted ones lock the link. */
  async checkCode(link: SigningLink, code: string, context: RequestContext): Promise<void> {
    const check = await this.deps.db.$transaction(async (tx) => {
      const result = await this.deps.codes.verify(tx, signingCodePurpose, link.id, code);
      if (result.ok) await this.links.audit(tx, link, 'code.verified', context);
      return result;
    });
    if (check.ok) return;
    const { locked } = check.reason === 'wrong' || check.reason === 'exhausted' ? await this.links.fail(link, 'code.failed', context, { reason: check.reason }) : { locked: false };
    const exhausted = locked || check.reason === 'exhausted';
    const messageZh = exhausted
      ? '验证码错误次数过多，链接已锁定，请联系用人单位重新发送'
      : check.reason === 'expired'
        ? '验证码已过期，请重新获取'
        : check.reason === 'none'
          ? '请先获取验证码'
          : `验证码错误，还可尝试${check.attemptsLeft}次`;
    if (exhausted && !locked) await this.links.lock(link.id);
    throw workerProblem(exhausted ? 423 : 422, exhausted ? 'link-locked' : 'code-invalid', exhausted ? '签署链接已锁定' : '验证码不正确', [
      { field: 'code', rule: check.reason, message: `code ${check.reason}`, messageZh },
    ]);
  }

  async decline(token: string, input: { reason: string }, context: RequestContext) {
    const { db } = this.deps;
    const link = await this.links.find(token);
    // A refusal is a legal act like a signature: only after the contract was read in full.
    if (!link.readToEndAt)
      throw workerProblem(409, 'not-read', '请先阅读合同全文', [
        { field: 'readToEnd', rule: 'required_first', message: 'read the contract to the end before declining (POST /api/v1/signing/{token}/read)', messageZh: '请先完整阅读合同，再决定是否拒绝签署' },
      ]);
    const reason = input.reason.trim();
    if (reason.length < 2)
      throw workerProblem(422, 'reason-required', '请填写拒签理由', [{ field: 'reason', rule: 'min_length_2', message: 'a reason is required', messageZh: '请简要说明拒绝签署的理由' }]);
    return db.$transaction(async (tx) => {
      const contract = await contractById(tx, link.contractId, { employer: true });
      const next = requireTransition(contract.status, 'decline');
      await moveContract(tx, contract, next, { whenChanged: contractChanged() });
      await tx.signingLink.update({ where: { id: link.id }, data: { usedAt: new Date() } });
      await this.links.audit(tx, link, 'contract.declined', context, { reason });
      if (contract.employer.phone) {
        await this.deps.outbox.enqueue(tx, {
          channel: 'sms',
          kind: 'declined-employer',
          to: contract.employer.phone,
          text: `【劳签】劳动者拒绝签署电子劳动合同（编号${contract.number}），理由：${reason}`,
        });
      }
      return { status: next };
    });
  }
}
