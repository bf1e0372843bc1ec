/**
 * Sealing (issue 4): our seal (PAdES + RFC 3161) against @signpdf/signpdf and @libpdf/core on
 * the same contract PDF. Verification has its own benchmark (verify.ts).
 * The RSA contenders share one RSA-3072 key and certificate (node-forge's PKCS#7, inside
 * @signpdf, signs only with RSA); ours is also timed with the platform default, ECDSA P-256.
 * Needs the openssl command (it writes the PKCS#12 the other libraries read).
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { P12Signer as LibPdfP12Signer, PDF } from '@libpdf/core';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { pemEncode } from '../../src/signing/asn1/der.ts';
import { ContractPdfRenderer } from '../../src/pdf/contract-renderer.ts';
import { roundSealAppearance } from '../../src/signing/appearance/appearances.ts';
import { GlyphOutliner } from '../../src/signing/appearance/outlines.ts';
import { createCadesSignature } from '../../src/signing/cms/signed-data.ts';
import { signPdf } from '../../src/signing/pades/signature.ts';
import { createBuiltInPki } from '../../src/signing/pki/built-in.ts';
import { generateKeyPair, localSignatureKey } from '../../src/signing/pki/keys.ts';
import { TimestampAuthority } from '../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../src/signing/tsa/clients.ts';
import type { Signer } from '../../src/signing/types.ts';
import { verifyPdf } from '../../src/signing/verify/verify.ts';
import { TemplateCatalog } from '../../src/templates/catalog.ts';
import { percentile } from './render.ts';

export const title = 'Sealing and verifying contracts';

/** Runs the tasks round-robin, so machine noise and garbage collection fall on all alike. */
async function interleaved(runs: number, warmup: number, tasks: (() => Promise<unknown>)[]): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const task of tasks) await task();
  const times = tasks.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [index, task] of tasks.entries()) {
      const started = performance.now();
      await task();
      times[index]!.push(performance.now() - started);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b));
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-bench-signing-'));
  try {
    const pki = await createBuiltInPki({ dataDir: dir, masterKey: Buffer.alloc(32, 7), baseUrl: 'http://127.0.0.1:3000' });
    const tsa = new TimestampAuthority(pki.tsa);
    const timestamps = new EmbeddedTsaClient(tsa);
    const catalog = await TemplateCatalog.load();
    const template = catalog.get('labor-contract-general')!;
    const { pdf, signatureSlots } = await new ContractPdfRenderer().renderTemplate({
      template,
      fields: template.example,
      documentNumber: 'LS20261123BENCH001',
      createdAt: new Date('2026-11-23T00:00:00Z'),
    });
    const sealSlot = signatureSlots.find((s) => s.mode === 'seal')!;
    const outliner = GlyphOutliner.fromFirstExisting();
    const organisation = { name: '山西晋阳示范科技有限公司', uscc: '91140105MA0KXH8T39' };

    // node-forge (inside @signpdf) reads only RSA-signed certificates, and the platform CAs are
    // P-256: the RSA contenders share a self-signed RSA-3072 certificate made by OpenSSL, in a
    // PKCS#12 with the legacy 3DES/SHA-1 encryption node-forge reads.
    const openssl = (...args: string[]) => {
      const result = spawnSync('openssl', args, { cwd: dir });
      if (result.status !== 0) throw new Error(`openssl ${args[0]}: ${result.stderr}`);
      return result.stdout;
    };
    openssl('req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30', '-subj', '/C=CN/O=Bench/CN=Bench RSA-3072');
    const p12 = openssl('pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-passout', 'pass:bench', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
    const rsaKey = createPrivateKey(readFileSync(path.join(dir, 'key.pem')));
    const rsaCertificate = new X509Certificate(readFileSync(path.join(dir, 'cert.pem'))).raw;
    const rsaSigner: Signer = { key: localSignatureKey(rsaKey), chain: [new Uint8Array(rsaCertificate)] };
    const ec = generateKeyPair('ecdsa-p256-sha256');
    const ecCertificate = await pki.issueOrganisationCertificate({ ...organisation, publicKey: ec.publicKey });
    const ecSigner: Signer = { key: localSignatureKey(ec.privateKey), chain: ecCertificate.chain };
    writeFileSync(path.join(dir, 'ec-key.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'ec-chain.pem'), ecCertificate.chain.map((der) => pemEncode(der, 'CERTIFICATE')).join(''));
    const ecP12 = openssl('pkcs12', '-export', '-inkey', 'ec-key.pem', '-in', 'ec-chain.pem', '-passout', 'pass:bench');

    const ourSeal = (signer: Signer) => () =>
      signPdf(
        pdf,
        {
          fieldName: 'employer-seal',
          page: sealSlot.page,
          rect: sealSlot.rect,
          appearance: roundSealAppearance(outliner, organisation.name),
          signingTime: new Date(),
          certify: true,
          name: organisation.name,
          reason: '甲方盖章',
        },
        (digest) => createCadesSignature(digest, signer, timestamps),
      );

    const signpdfSeal = async () => {
      const withPlaceholder = plainAddPlaceholder({ pdfBuffer: Buffer.from(pdf), reason: '甲方盖章', contactInfo: '', name: organisation.name, location: '', signatureLength: 16384 });
      return new SignPdf().sign(withPlaceholder, new P12Signer(p12, { passphrase: 'bench' }));
    };
    const libpdfTsa = { timestamp: async (digest: Uint8Array) => tsa.stampDigest(digest) };
    const libpdfSeal = (signer: Awaited<ReturnType<typeof LibPdfP12Signer.create>>) => async () => {
      const document = await PDF.load(pdf);
      return (await document.sign({ signer, reason: '甲方盖章', level: 'B-T', timestampAuthority: libpdfTsa })).bytes;
    };
    const libpdfRsa = libpdfSeal(await LibPdfP12Signer.create(new Uint8Array(p12), 'bench'));
    const libpdfEc = libpdfSeal(await LibPdfP12Signer.create(new Uint8Array(ecP12), 'bench'));

    // Each contender's output must really be a signed PDF whose digest verifies.
    const trustAnchors = [pki.root.der];
    const check = async (bytes: Uint8Array) => {
      const report = await verifyPdf(bytes, { trustAnchors });
      const signature = report.signatures[0];
      return signature ? `digest ${signature.digestValid ? 'ok' : 'BAD'}, signature ${signature.signatureValid ? 'ok' : 'BAD'}, level ${signature.level ?? '—'}` : 'no signature found';
    };
    const outputs = {
      oursEc: await check(await ourSeal(ecSigner)()),
      oursRsa: await check(await ourSeal(rsaSigner)()),
      signpdf: await check(new Uint8Array(await signpdfSeal())),
      libpdfRsa: await check(await libpdfRsa()),
      libpdfEc: await check(await libpdfEc()),
    };

    const runs = 100;
    const [oursEc, oursRsa, libpdfEcTimes, libpdfRsaTimes, signpdfTimes] = (await interleaved(runs, 20, [ourSeal(ecSigner), ourSeal(rsaSigner), libpdfEc, libpdfRsa, signpdfSeal])) as [
      number[],
      number[],
      number[],
      number[],
      number[],
    ];

    const median = (t: number[]) => percentile(t, 50);
    const row = (name: string, t: number[], note: string) => `| ${name} | ${median(t).toFixed(1)} ms | ${percentile(t, 95).toFixed(1)} ms | ${note} |`;
    const ratio = (other: number[], ours: number[]) => (median(other) / median(ours)).toFixed(1);
    return [
      `Input: the 通用 contract (${(pdf.length / 1024).toFixed(0)} KiB, 4 pages) rendered by LaborSign. ${runs} timed runs each after 20 warm-up runs, contenders interleaved round-robin, one process. The timestamp authority is the same in-process RFC 3161 authority for every contender that supports timestamps, so no network time is included.`,
      '',
      '| contender | median | p95 | what it does |',
      '|---|---|---|---|',
      row(
        'LaborSign seal, ECDSA P-256 (platform default)',
        oursEc,
        `PAdES B-T: certification signature (DocMDP), visible round seal drawn from font outlines, CAdES + timestamp; output: ${outputs.oursEc}`,
      ),
      row('LaborSign seal, RSA-3072', oursRsa, `same, with the RSA key all contenders share; output: ${outputs.oursRsa}`),
      row('@libpdf/core 0.4.2, P12 ECDSA P-256 (same key and chain as ours), B-T', libpdfEcTimes, `invisible signature + timestamp; output: ${outputs.libpdfEc}`),
      row('@libpdf/core 0.4.2, P12 RSA-3072, B-T', libpdfRsaTimes, `invisible signature + timestamp; output: ${outputs.libpdfRsa}`),
      row('@signpdf/signpdf 3.3.0, P12 (placeholder-plain)', signpdfTimes, `invisible signature, no timestamp (B-B; node-forge RSA in JavaScript); output: ${outputs.signpdf}`),
      '',
      `Ratios, same key on both sides: @libpdf/core / ours = **${ratio(libpdfEcTimes, oursEc)}×** with the platform's P-256 key, ${ratio(libpdfRsaTimes, oursRsa)}× with RSA-3072 (target ≥ 3×); @signpdf / ours = **${ratio(signpdfTimes, oursRsa)}×** with RSA-3072 (target ≥ 10×; @signpdf cannot sign with P-256). With RSA-3072 the private-key operation itself (a few milliseconds in OpenSSL, for both libraries) bounds the ratio; the platform issues P-256 keys, so the P-256 row is the seal the platform actually makes.`,
      '',
      'Verification is measured separately (scripts/bench/verify.ts).',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
