/**
 * 出证: the evidence bundle an arbitration commission (or court) takes away. A ZIP with the
 * signed contract, its verification report, the hash-chained audit trail, every certificate
 * involved, a manifest of SHA-256 digests, and an evidence report (出证报告) that lists those
 * digests and is sealed and timestamped by the platform operator. Each file can be checked
 * with independent tools; the sealed report binds them together.
 */
import { regionName } from '../domain/reference/divisions.ts';
import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { Config } from '../config/config.ts';
import { zip, type ZipEntry } from '../evidence/zip.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { readDer } from '../signing/asn1/der.ts';
import { parseSignedData } from '../signing/cms/parse.ts';
import { signatureContents } from '../signing/pades/ltv.ts';
import { parseCertificate } from '../signing/pki/certificate.ts';
import type { Pki } from '../signing/pki/authority.ts';
import { verifyAuditChain } from './audit.ts';
import type { DocumentRenderer, TemplateCatalog } from './contracts.ts';
import { idNumberIndex, readWorker } from './workers.ts';
import { findContracts } from './contract/access.ts';
import { officialReader, type AccessReason, type Official, type OfficialAccess } from './official-access.ts';
import type { SealingService } from './sealing.ts';
import { maskIdNumber } from './contract/masking.ts';
import { beijingDateTime, shanghaiDate } from '../domain/calendar.ts';

export const evidenceReportTemplate = 'evidence-report';
export const verificationReportTemplate = 'verification-report';

const statusNames: Record<string, string> = {
  signed: '已签署（生效）',
  renewed: '已续订',
  changed: '已变更',
  terminated: '已解除/终止',
  expired: '已到期',
  sent: '待劳动者签署',
  sealed: '已盖章待发送',
  draft: '草稿',
  declined: '劳动者拒签',
  voided: '已作废',
  link_expired: '签署链接已过期',
};
const roleOffices: Record<string, string> = { arbitration: '劳动人事争议仲裁委员会', inspection: '劳动保障监察机构', insurance: '社会保险经办机构', employment: '公共就业服务机构' };

const beijing = (date: Date | string | null | undefined): string => (date ? beijingDateTime(date) : '/');

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
/** Every certificate a CMS signature carries, and those of its signature timestamp token (the TSA's), recursively. */
function certificatesIn(cms: Uint8Array): Uint8Array[] {
  const parsed = parseSignedData(cms.subarray(0, readDer(cms).end));
  return [...parsed.certificates, ...(parsed.timestampToken ? certificatesIn(parsed.timestampToken) : [])];
}

const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)));

/** The platform operator as an organisation: it seals evidence reports with its own certificate. */
export async function ensurePlatformOrganisation(db: Db, config: Config): Promise<Organisation> {
  return db.organisation.upsert({
    where: { uscc: config.PLATFORM_USCC },
    update: { name: config.PLATFORM_NAME },
    create: { kind: 'platform', name: config.PLATFORM_NAME, uscc: config.PLATFORM_USCC, legalRepresentative: '/', address: '/', regionCode: config.PLATFORM_REGION_CODE },
  });
}

export class EvidenceService {
  constructor(
    private readonly deps: {
      db: Db;
      crypto: FieldCrypto;
      pki: Pki;
      templates: TemplateCatalog;
      renderer: DocumentRenderer;
      sealing: SealingService;
      officialAccess: OfficialAccess;
      platform: () => Promise<Organisation>;
    },
  ) {}

  /** The contract an arbitration request names: by id, or the worker's latest with an employer. */
  private async contractIdFor(official: Official, target: { contractId?: string; idNumber?: string; employerUscc?: string }): Promise<string> {
    if (target.contractId) return target.contractId;
    if (!target.idNumber || !target.employerUscc) {
      throw Problem.badRequest([
        {
          field: 'contractId',
          in: 'body',
          rule: 'contract_or_parties',
          message: 'give contractId, or idNumber with employerUscc',
          messageZh: '请指明合同，或同时提供劳动者身份证号码和用人单位统一社会信用代码',
        },
      ]);
    }
    const [found] = await findContracts(this.deps.db, officialReader(official), 'evidence.bundle', {
      where: { worker: { idIndex: idNumberIndex(this.deps.crypto, target.idNumber) }, employer: { uscc: target.employerUscc }, previousId: null },
      orderBy: { createdAt: 'desc' },
      select: { id: true },
      take: 1,
    });
    if (!found) throw Problem.notFound('Contract between this worker and employer', '未找到该劳动者与该用人单位之间的合同');
    return found.id;
  }

  /** The verification report as a printable PDF, sealed by the platform (and listed in the 出证报告). */
  private async verificationReportPdf(verification: Awaited<ReturnType<OfficialAccess['contract']>>['verification'], pdf: Uint8Array, now: Date, number: string): Promise<Uint8Array> {
    const template = this.deps.templates.get(verificationReportTemplate);
    if (!template) throw new Error(`template ${verificationReportTemplate} is missing`);
    const yes = (ok: boolean, good: string, bad: string) => (ok ? good : bad);
    const fields = template.fieldsSchema.parse({
      fileName: 'contract.pdf',
      fileSha256: sha256(pdf),
      verifiedAt: beijing(now),
      trustAnchor: this.deps.pki.root.subjectText,
      valid: verification.valid,
      signatures: verification.signatures.map((s) => ({
        field: s.fieldLabelZh,
        signer: s.signer?.name ?? (s.kind === 'document-timestamp' ? '文档时间戳' : '/'),
        certificate: s.signer?.subject ?? '/',
        digest: yes(s.digestValid, '通过', '未通过'),
        signature: yes(s.signatureValid, '通过', '未通过'),
        chain: yes(s.chainTrusted, '可信', '不可信'),
        coverage: s.coversWholeFile ? '覆盖完整文件' : s.coversRevision ? '覆盖签署时的文件版本' : '覆盖范围异常',
        changes: s.disallowedChanges.length ? s.disallowedChanges.join('；').slice(0, 500) : '无不允许的修改',
        timestamp: s.timestamp ? `${beijing(s.timestamp.time)}（${s.timestamp.valid ? '有效' : '无效'}）` : '/',
        revocation: s.revocation.afterSignature ? '签署后吊销（签名在吊销前作出，仍有效）' : { good: '未吊销', revoked: '已吊销', unknown: '未知' }[s.revocation.status],
        level: s.level ?? '/',
      })),
    }) as Record<string, unknown>;
    const rendered = await this.deps.renderer.render({ template, fields, documentNumber: number, createdAt: now });
    const sealed = await this.deps.sealing.sealPdf(await this.deps.platform(), rendered.pdf, rendered.signatureSlots, now, '平台验签 / Verification report');
    return sealed.pdf;
  }

  async bundle(official: Official, request: { caseNumber: string; purpose: string; contractId?: string; idNumber?: string; employerUscc?: string }) {
    this.deps.officialAccess.authorize(official, 'evidence.bundle');
    const { db, crypto, pki } = this.deps;
    const reason: AccessReason = { purpose: request.purpose, caseNumber: request.caseNumber };
    const contractId = await this.contractIdFor(official, request);
    const { contract, document, pdf, verification } = await this.deps.officialAccess.contract(official, contractId, reason, 'evidence.bundle');
    const worker = readWorker(crypto, await db.worker.findUniqueOrThrow({ where: { id: contract.workerId } }));
    const events = await db.auditEvent.findMany({ where: { chain: contract.id }, orderBy: { seq: 'asc' } });
    const chain = await verifyAuditChain(db, contract.id);

    // certificates/: the root, and every certificate of the signatures in the contract and in the
    // platform's own sealed reports — signers' chains, the platform seal certificate, the TSA's.
    const certificates = new Map<string, Uint8Array>([[pki.root.serialHex.toLowerCase(), pki.root.der]]);
    const collect = async (signed: Uint8Array) => {
      const added: ZipEntry[] = [];
      for (const der of (await signatureContents(signed)).flatMap(certificatesIn)) {
        const serial = parseCertificate(der).serialHex.toLowerCase();
        if (certificates.has(serial)) continue;
        certificates.set(serial, der);
        added.push({ name: `certificates/${serial}.cer`, data: der });
      }
      return added;
    };
    const now = new Date();
    const verificationReport = await this.verificationReportPdf(verification, pdf, now, `YQ${contract.number.slice(2)}`);
    const readme = [
      '电子劳动合同证据包',
      '',
      `案号：${request.caseNumber}；合同编号：${contract.number}；出证时间：${beijing(now)}`,
      '',
      'evidence-report.pdf  出证报告（平台电子印章 + 可信时间戳），列明下列文件的 SHA-256 摘要',
      'contract.pdf         已签署的电子劳动合同（PAdES 电子签名，可用 pdfsig、Adobe Reader 等独立验证）',
      'verification.json    平台对合同签名的验证报告（机器可读）',
      'verification-report.pdf  同一验证报告（可打印）',
      'audit-trail.json     合同全过程操作记录（哈希链）',
      'certificates/        根证书、签名证书及其签发机构证书、平台电子印章证书、时间戳服务证书（DER）',
      'manifest.json        全部其他文件的 SHA-256 摘要；可用 sha256sum 核对',
      '',
    ].join('\n');
    const files: ZipEntry[] = [
      { name: 'contract.pdf', data: pdf },
      { name: 'verification.json', data: json(verification) },
      { name: 'verification-report.pdf', data: verificationReport },
      { name: 'audit-trail.json', data: json({ contractId: contract.id, chain, events }) },
      { name: 'README.txt', data: new Uint8Array(Buffer.from(readme)) },
      { name: `certificates/${pki.root.serialHex.toLowerCase()}.cer`, data: pki.root.der },
      ...(await collect(pdf)),
      ...(await collect(verificationReport)),
    ];
    const listed = files.map((file) => ({ name: file.name, sha256: sha256(file.data), size: file.data.length }));

    const template = this.deps.templates.get(evidenceReportTemplate);
    if (!template) throw new Error(`template ${evidenceReportTemplate} is missing`);
    const platform = await this.deps.platform();
    const title = this.deps.templates.get(contract.templateId, contract.templateVersion)?.title ?? contract.templateId;
    const fields = template.fieldsSchema.parse({
      caseNumber: request.caseNumber,
      requester: { office: roleOffices[official.role] ?? official.role, regionCode: official.regionCode, regionName: regionName(official.regionCode), purpose: request.purpose },
      platform: { name: platform.name, uscc: platform.uscc },
      generatedAt: beijing(now),
      contract: {
        number: contract.number,
        title,
        status: statusNames[contract.status] ?? contract.status,
        employerName: contract.employer.name,
        employerUscc: contract.employer.uscc,
        workerName: worker.name,
        workerIdMasked: maskIdNumber(worker.idNumber),
        effectiveAt: beijing(contract.effectiveAt),
        documentSha256: document.sha256,
        documentSize: pdf.length,
      },
      verification: {
        valid: verification.valid,
        summary: verification.valid
          ? `全部 ${verification.signatures.length} 个签名和时间戳验证通过，签署后未发现不允许的修改`
          : `存在未通过验证的签名：${verification.signatures
              .filter((s) => !s.valid)
              .map((s) => s.fieldLabelZh)
              .join('、')}`,
      },
      signatures: verification.signatures.map((s) => ({
        field: s.fieldLabelZh,
        signer: s.signer?.name ?? (s.kind === 'document-timestamp' ? '文档时间戳' : '/'),
        signedAt: s.signingTime ? beijing(pdfDateToIso(s.signingTime)) : '/',
        timestamp: s.timestamp ? beijing(s.timestamp.time) : '/',
        level: s.level ?? (s.kind === 'document-timestamp' ? 'DTS' : '/'),
        result: (s.valid ? `有效（${s.summaryZh}）` : `${s.summaryZh}（${s.problems.join('；')}）`).slice(0, 200),
      })),
      audit: { intact: chain.intact, events: events.length, firstAt: beijing(events[0]?.at), lastAt: beijing(events.at(-1)?.at), lastHash: events.at(-1)?.hash ?? '/' },
      files: listed,
    }) as Record<string, unknown>;
    const reportNumber = `CZ${contract.number.slice(2)}-${shanghaiDate(now).replaceAll('-', '')}`;
    const rendered = await this.deps.renderer.render({ template, fields, documentNumber: reportNumber, createdAt: now });
    const { pdf: report } = await this.deps.sealing.sealPdf(platform, rendered.pdf, rendered.signatureSlots, now, '平台出证 / Evidence report');
    // The report is sealed with the certificates already listed; one renewed meanwhile is still shipped (manifest only).
    files.push({ name: 'evidence-report.pdf', data: report }, ...(await collect(report)));

    const manifest = {
      format: 'laborsign.evidence/1',
      caseNumber: request.caseNumber,
      contract: { id: contract.id, number: contract.number },
      generatedAt: now.toISOString(),
      files: files.map((file) => ({ name: file.name, sha256: sha256(file.data), size: file.data.length })),
    };
    return { contract, zip: zip([...files, { name: 'manifest.json', data: json(manifest) }], now) };
  }
}

/** PDF date (D:YYYYMMDDHHmmSS+00'00') → ISO. */
function pdfDateToIso(value: string): string {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : value;
}
