/**
 * Verifying a contract (issue 20): a two-signature B-LTA contract — the employer's seal and the
 * worker's signature, each with a signature timestamp, then the /DSS and a document timestamp —
 * verified as the service does: RFC 5280 paths for the signers, the TSA and the OCSP
 * responders, revocation from the /DSS, the diff policy over every later revision, the levels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractPdfRenderer } from '../../src/pdf/contract-renderer.ts';
import { roundSealAppearance } from '../../src/signing/appearance/appearances.ts';
import { GlyphOutliner } from '../../src/signing/appearance/outlines.ts';
import { createCadesSignature } from '../../src/signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss } from '../../src/signing/pades/ltv.ts';
import { signPdf } from '../../src/signing/pades/signature.ts';
import { collectValidationMaterial } from '../../src/signing/pades/validation-material.ts';
import { createBuiltInPki } from '../../src/signing/pki/built-in.ts';
import { generateKeyPair, localSignatureKey } from '../../src/signing/pki/keys.ts';
import { createOcspResponder } from '../../src/signing/revocation/ocsp.ts';
import { TimestampAuthority } from '../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../src/signing/tsa/clients.ts';
import { verifyPdf } from '../../src/signing/verify/verify.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { percentile } from './render.ts';

export const title = 'Verifying contracts';

export async function run(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-bench-verify-'));
  try {
    const pki = await createBuiltInPki({ dataDir: dir, masterKey: Buffer.alloc(32, 7), baseUrl: 'http://127.0.0.1:3000' });
    const timestamps = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa));
    const template = (await TemplateCatalog.load()).get('labor-contract-general')!;
    const { pdf, signatureSlots } = await new ContractPdfRenderer().renderTemplate({
      template,
      fields: template.example,
      documentNumber: 'LS20261123BENCH002',
      createdAt: new Date('2026-11-23T00:00:00Z'),
    });
    const sealSlot = signatureSlots.find((s) => s.mode === 'seal')!;
    const workerSlot = signatureSlots.find((s) => s.mode === 'sign')!;
    const organisation = { name: '山西晋阳示范科技有限公司', uscc: '91140105MA0KXH8T39' };
    const employer = generateKeyPair('ecdsa-p256-sha256');
    const employerCertificate = await pki.issueOrganisationCertificate({ ...organisation, publicKey: employer.publicKey });
    // As the service seals: a certification signature (DocMDP P=2) that also creates the worker's
    // field empty, which the worker's revision then only fills.
    const sealed = await signPdf(
      pdf,
      {
        fieldName: 'employer-seal',
        page: sealSlot.page,
        rect: sealSlot.rect,
        appearance: roundSealAppearance(GlyphOutliner.fromFirstExisting(), organisation.name),
        signingTime: new Date(),
        name: organisation.name,
        reason: '甲方盖章',
        certify: true,
        emptyFields: [{ name: 'worker-signature', page: workerSlot.page, rect: workerSlot.rect }],
      },
      (digest) => createCadesSignature(digest, { key: localSignatureKey(employer.privateKey), chain: employerCertificate.chain }, timestamps),
    );
    const worker = generateKeyPair('ecdsa-p256-sha256');
    const event = await pki.issueEventCertificate({ name: '王晓东', publicKey: worker.publicKey });
    const signed = await signPdf(sealed, { fieldName: 'worker-signature', page: workerSlot.page, rect: workerSlot.rect, signingTime: new Date(), name: '王晓东' }, (digest) =>
      createCadesSignature(digest, { key: localSignatureKey(worker.privateKey), chain: event.chain }, timestamps),
    );
    const ocsp = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore });
    const { material, contents } = await collectValidationMaterial(signed, pki, ocsp);
    const contract = await addDocumentTimestamp(await addDss(signed, material, contents), timestamps);
    const trustAnchors = [pki.root.der];

    const report = await verifyPdf(contract, { trustAnchors });
    const levels = report.signatures.filter((s) => s.kind === 'signature').map((s) => s.level);
    if (!report.valid || levels.join() !== 'B-LTA,B-LTA') throw new Error(`the benchmark contract does not verify at B-LTA: ${JSON.stringify(report.signatures.map((s) => [s.level, s.problems]))}`);

    for (let i = 0; i < 20; i++) await verifyPdf(contract, { trustAnchors });
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [started, startedCpu] = [performance.now(), process.cpuUsage()];
      await verifyPdf(contract, { trustAnchors });
      const used = process.cpuUsage(startedCpu);
      times.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return [
      `Input: the 通用 contract (${(contract.length / 1024).toFixed(0)} KiB, ${report.revisions} revisions) with the employer's seal and the worker's signature (ECDSA P-256, each with a signature timestamp), a /DSS (certificates, OCSP responses, the root's CRL) and a document timestamp: both signatures B-LTA. Verified offline from the document (no status lookups), 200 timed runs after 20 warm-up runs.`,
      '',
      `Verification (byte ranges and CMS, RFC 5280 paths for both signers, both TSA uses and the delegated OCSP responders, revocation from the /DSS, diff policy over every later revision, PAdES levels): median **${percentile(times, 50).toFixed(2)} ms**, p95 ${percentile(times, 95).toFixed(2)} ms (target ≤ 10 ms); CPU time of the process per verification (user + system, all threads; steadier than wall time on a shared machine): median ${percentile(cpu, 50).toFixed(2)} ms, p95 ${percentile(cpu, 95).toFixed(2)} ms. Load average while measuring: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
