/**
 * Long-term validation, checked for substance rather than presence: the /DSS holds every
 * certificate of every chain (signers, TSA, CAs) and verified revocation data for each one
 * but the root; B-LT is refused for an empty or incomplete DSS and for forged or unsigned
 * revocation data; B-LTA needs a document timestamp that covers a complete DSS; and a TSA
 * token larger than the initial placeholder is embedded after enlarging it.
 */
import t from 'tap';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts } from 'pdf-lib';
import { readDer } from '../../../src/signing/asn1/der.ts';
import { oids } from '../../../src/signing/asn1/oids.ts';
import { createCadesSignature } from '../../../src/signing/cms/signed-data.ts';
import { addDocumentTimestamp, addDss, signatureContents, type ValidationMaterial } from '../../../src/signing/pades/ltv.ts';
import { signPdf } from '../../../src/signing/pades/signature.ts';
import { collectValidationMaterial } from '../../../src/signing/pades/validation-material.ts';
import type { IssuingAuthority, PlatformIssuedCertificate } from '../../../src/signing/pki/authority.ts';
import { createCertificate, isIssuedBy, parseCertificate, type ParsedCertificate } from '../../../src/signing/pki/certificate.ts';
import { buildCrl, parseCrl } from '../../../src/signing/pki/crl.ts';
import { generateKeyPair, localSignatureKey } from '../../../src/signing/pki/keys.ts';
import type { CertificateStatusStore } from '../../../src/signing/pki/status-store.ts';
import { issueCrl, verifyCrl } from '../../../src/signing/revocation/crl.ts';
import { buildOcspRequest, createOcspResponder, parseOcspResponse, verifyOcspResponse } from '../../../src/signing/revocation/ocsp.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import type { TimestampClient } from '../../../src/signing/types.ts';
import { verifyPdf } from '../../../src/signing/verify/verify.ts';
import { needs, run } from '../../helpers/tools.ts';
import { pkiFixture } from '../crypto/fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const tsa = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa));
const ocsp = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore });
const anchors = [pki.root.der];
const rootCa = pki.authorities.find((ca) => ca.name === 'root') as IssuingAuthority;

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Labor contract', { x: 60, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

const employer = (await pki.issueOrganisationCertificate({ name: '运城测试实业有限公司', uscc: '91350100M000100Y43' })) as PlatformIssuedCertificate;
const workerKeys = generateKeyPair();
const worker = await pki.issueEventCertificate({ name: '李四', maskedIdNumber: '110105********002X', publicKey: workerKeys.publicKey });
const sealed = await signPdf(await onePagePdf(), { fieldName: 'employer', signingTime: new Date(), certify: true }, (digest) => createCadesSignature(digest, employer.signer, tsa));
const signed = await signPdf(sealed, { fieldName: 'worker', signingTime: new Date() }, (digest) =>
  createCadesSignature(digest, { key: localSignatureKey(workerKeys.privateKey), chain: worker.chain }, tsa),
);
const collected = await collectValidationMaterial(signed, pki, ocsp, { fetchCrl: false, fetchOcsp: false });
const { material, contents } = collected;
const withDss = await addDss(signed, material, contents);
const final = await addDocumentTimestamp(withDss, tsa);

const ocspResponder = (name: string) => pki.ocspResponders.find((r) => r.certificate.subjectText.includes(name))!.certificate;
/** The certificates of the chains involved, each with its issuer. */
const chainCertificates: { label: string; certificate: ParsedCertificate; issuer: ParsedCertificate }[] = [
  { label: 'employer', certificate: employer.parsed, issuer: pki.organisationCa.certificate },
  { label: 'worker', certificate: worker.parsed, issuer: pki.individualCa.certificate },
  { label: 'organisation CA', certificate: pki.organisationCa.certificate, issuer: pki.root },
  { label: 'individual CA', certificate: pki.individualCa.certificate, issuer: pki.root },
  { label: 'TSA', certificate: pki.tsa.certificate, issuer: pki.root },
];

/** The DSS of a PDF read independently of the verifier: raw DER of each stream. */
async function dssOf(pdf: Uint8Array): Promise<{ present: boolean; certs: Uint8Array[]; ocsps: Uint8Array[]; crls: Uint8Array[] }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const dss = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  const read = (key: string) =>
    (dss?.lookupMaybe(PDFName.of(key), PDFArray)?.asArray() ?? []).map((ref) => {
      const stream = doc.context.lookup(ref) as PDFRawStream;
      return new Uint8Array(inflateSync(stream.getContents()));
    });
  return { present: !!dss, certs: read('Certs'), ocsps: read('OCSPs'), crls: read('CRLs') };
}

async function signatureLevels(pdf: Uint8Array) {
  const report = await verifyPdf(pdf, { trustAnchors: anchors });
  const signatures = report.signatures.filter((s) => s.kind === 'signature');
  return { report, levels: signatures.map((s) => s.level), byField: Object.fromEntries(signatures.map((s) => [s.fieldName, s])) };
}

const serialOf = (ocspDer: Uint8Array) => parseOcspResponse(ocspDer).basic!.responses[0]!.certId.serialHex;
const without = (m: ValidationMaterial, drop: { ocspFor?: string[]; crlIssuers?: Uint8Array[]; certs?: Uint8Array[] }): ValidationMaterial => ({
  certs: m.certs.filter((c) => !(drop.certs ?? []).some((d) => Buffer.compare(c, d) === 0)),
  ocsps: m.ocsps.filter((o) => !(drop.ocspFor ?? []).includes(serialOf(o))),
  crls: m.crls.filter((c) => !(drop.crlIssuers ?? []).some((issuer) => Buffer.compare(parseCrl(c).issuer, issuer) === 0)),
});

t.test('the DSS holds every chain certificate and verified revocation data for each one but the root', async (t) => {
  t.same(collected.missing, [], 'nothing was left without revocation data');
  const dss = await dssOf(final);
  t.equal(dss.present, true);
  const dssCerts = dss.certs.map(parseCertificate);
  const has = (c: ParsedCertificate) => dssCerts.some((d) => Buffer.compare(d.der, c.der) === 0);
  for (const { label, certificate } of chainCertificates) t.ok(has(certificate), `${label} certificate is in the DSS`);
  t.ok(has(pki.root), 'the root is in the DSS');
  // Exactly the chain certificates plus the two delegated OCSP responders that signed responses.
  t.same(
    dssCerts.map((c) => c.serialHex).sort(),
    [...chainCertificates.map((c) => c.certificate), pki.root, ocspResponder('organisations'), ocspResponder('individuals')].map((c) => c.serialHex).sort(),
  );

  // Each non-root certificate: a verified OCSP response (end entities) or the issuer's verified CRL (CAs).
  const coverage = chainCertificates.map(({ label, certificate, issuer }) => {
    const byOcsp = dss.ocsps.filter((o) => {
      const check = verifyOcspResponse(o, { certificate, issuer });
      return check.valid && check.response?.status === 'good';
    }).length;
    const byCrl = dss.crls.filter((c) => {
      const check = verifyCrl(c, { issuer, certificate });
      return check.valid && !check.entry;
    }).length;
    return [label, byOcsp, byCrl];
  });
  t.same(coverage, [
    ['employer', 1, 0],
    ['worker', 1, 0],
    ['organisation CA', 0, 1],
    ['individual CA', 0, 1],
    ['TSA', 1, 1],
  ]);
  t.equal(dss.ocsps.length, 3, 'OCSP responses for the employer, the worker and the TSA');
  t.same(
    dss.crls.map((c) => parseCrl(c).issuer),
    [pki.root.subject],
    'the root CRL (covering the issuing CAs and the TSA)',
  );
});

t.test('openssl accepts the DSS revocation data', needs('openssl'), async (t) => {
  const dss = await dssOf(final);
  const root = fx.pem('ltv-root.pem', pki.root.der);
  for (const { label, certificate, issuer } of chainCertificates.filter((c) => !c.certificate.isCa)) {
    const response = dss.ocsps.find((o) => serialOf(o) === certificate.serialHex)!;
    t.ok(response, `${label}: OCSP response present`);
    const result = run('openssl', [
      'ocsp',
      '-respin',
      fx.file(`ltv-${certificate.serialHex}.ocsp`, response),
      '-issuer',
      fx.pem(`ltv-issuer-${certificate.serialHex}.pem`, issuer.der),
      '-cert',
      fx.pem(`ltv-cert-${certificate.serialHex}.pem`, certificate.der),
      '-no_nonce',
      '-CAfile',
      root,
      '-verify_other',
      fx.pem(`ltv-cas-${certificate.serialHex}.pem`, issuer.der),
    ]);
    t.match(result.stderr, /Response verify OK/, `${label}: ${result.stderr}`);
    t.match(result.stdout, /: good/, label);
  }
  const crl = run('openssl', ['crl', '-inform', 'DER', '-in', fx.file('ltv-root.crl', dss.crls[0]!), '-CAfile', root, '-noout']);
  t.match(crl.stderr, /verify OK/);
});

t.test('a complete DSS with a document timestamp is B-LTA, revocation read from the DSS', async (t) => {
  const { report, levels, byField } = await signatureLevels(final);
  t.equal(report.valid, true, JSON.stringify(report.signatures.map((s) => s.problems)));
  t.same(levels, ['B-LTA', 'B-LTA']);
  for (const field of ['employer', 'worker']) t.same(byField[field]!.revocation, { status: 'good', source: 'dss' }, field);
  t.same((await signatureLevels(withDss)).levels, ['B-LT', 'B-LT'], 'without the document timestamp: B-LT');
});

t.test('an empty DSS is not B-LT, with or without a document timestamp', async (t) => {
  const empty = await addDss(signed, { certs: [], ocsps: [], crls: [] }, contents);
  t.equal((await dssOf(empty)).present, true, 'the file does have a /DSS');
  const { levels, byField } = await signatureLevels(empty);
  t.same(levels, ['B-T', 'B-T']);
  t.match(byField.worker!.problems.join('\n'), /not B-LT: .*not in the DSS/);
  t.same((await signatureLevels(await addDocumentTimestamp(empty, tsa))).levels, ['B-T', 'B-T']);
});

t.test('an incomplete DSS is not B-LT for the signatures it does not cover', async (t) => {
  const levelsWith = async (m: ValidationMaterial) => (await signatureLevels(await addDss(signed, m, contents))).levels;
  t.same(await levelsWith({ certs: material.certs, ocsps: [], crls: [] }), ['B-T', 'B-T'], 'certificates without revocation data');
  t.same(await levelsWith({ certs: [], ocsps: material.ocsps, crls: material.crls }), ['B-T', 'B-T'], 'revocation data without certificates');
  t.same(await levelsWith(without(material, { crlIssuers: [pki.root.subject] })), ['B-T', 'B-T'], 'no root CRL: the issuing CAs are uncovered');
  t.same(await levelsWith(without(material, { ocspFor: [worker.serialHex] })), ['B-LT', 'B-T'], "no OCSP for the worker's certificate");
  t.same(await levelsWith(without(material, { certs: [pki.individualCa.certificate.der] })), ['B-LT', 'B-T'], 'the individual CA certificate missing');
  t.same(await levelsWith(without(material, { ocspFor: [pki.tsa.certificate.serialHex] })), ['B-LT', 'B-LT'], "the root's CRL covers the TSA without its OCSP response");
  t.same(await levelsWith(without(material, { ocspFor: [pki.tsa.certificate.serialHex], crlIssuers: [pki.root.subject] })), ['B-T', 'B-T'], 'the TSA chain uncovered');
});

/** A responder certificate for `issuer`'s certificates that `issuer` never issued. */
function rogueResponder(issuer: ParsedCertificate) {
  const rootKeys = generateKeyPair();
  const now = Date.now();
  const rogueRootDer = createCertificate(
    {
      subject: [{ type: 'CN', value: 'Rogue Root' }],
      publicKey: rootKeys.publicKey,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      ca: {},
      keyUsage: ['keyCertSign', 'cRLSign'],
    },
    { selfSigningKey: rootKeys.privateKey },
  );
  const keys = generateKeyPair();
  const der = createCertificate(
    {
      subject: [{ type: 'CN', value: 'Rogue OCSP' }],
      publicKey: keys.publicKey,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: { purposes: [oids.kpOcspSigning], critical: false },
      ocspNoCheck: true,
    },
    { certificate: parseCertificate(rogueRootDer), privateKey: rootKeys.privateKey },
  );
  return { certificate: parseCertificate(der), privateKey: keys.privateKey, chain: [], issuer };
}

const sayGood: CertificateStatusStore = {
  record: async () => undefined,
  revoke: async () => undefined,
  revoked: async () => [],
  status: async (serialHex) => ({ status: 'good', record: { serialHex, issuerKeyId: '', subject: '', notBefore: new Date(0), notAfter: new Date(0), kind: 'forged' } }),
};

t.test('forged, unsigned or misdirected OCSP responses in the DSS are not accepted', async (t) => {
  const genuine = material.ocsps.find((o) => serialOf(o) === worker.serialHex)!;
  const base = without(material, { ocspFor: [worker.serialHex] });
  const verdict = async (response: Uint8Array) => {
    const { byField } = await signatureLevels(await addDss(signed, { ...base, ocsps: [...base.ocsps, response] }, contents));
    return [byField.worker!.level, byField.worker!.revocation.status, byField.worker!.revocation.source];
  };
  t.same(await verdict(genuine), ['B-LT', 'good', 'dss'], 'control: the genuine response is accepted');

  // Signed by a responder the individual CA never delegated to.
  const rogue = createOcspResponder({ responders: [rogueResponder(pki.individualCa.certificate)], statusStore: sayGood });
  const forged = await rogue(buildOcspRequest({ certificate: worker.parsed, issuer: pki.individualCa.certificate, nonce: false }).der);
  t.equal(parseOcspResponse(forged).basic?.responses[0]?.status, 'good', 'the forgery claims good');
  t.same(await verdict(forged), ['B-T', 'unknown', 'none'], 'rogue delegated responder');

  // The genuine response with its signature value altered.
  const parsed = parseOcspResponse(genuine);
  const at = Buffer.from(genuine).indexOf(Buffer.from(parsed.basic!.signature));
  t.ok(at > 0);
  const unsigned = Buffer.from(genuine);
  unsigned[at + 12] = unsigned[at + 12]! ^ 0xff;
  t.equal(serialOf(unsigned), worker.serialHex, 'still parses and names the worker certificate');
  t.same(await verdict(unsigned), ['B-T', 'unknown', 'none'], 'signature does not verify');

  // A real responder of the platform, but its CertID names the organisation CA as issuer.
  const confused = createOcspResponder({ responders: pki.ocspResponders, statusStore: sayGood });
  const misdirected = await confused(buildOcspRequest({ certificate: worker.parsed, issuer: pki.organisationCa.certificate, nonce: false }).der);
  t.equal(verifyOcspResponse(misdirected, { certificate: worker.parsed, issuer: pki.organisationCa.certificate }).valid, true, 'valid for the issuer it names');
  t.same(await verdict(misdirected), ['B-T', 'unknown', 'none'], 'CertID of another issuer');
});

t.test('revocation data issued before the signature timestamp does not count', async (t) => {
  // The signature timestamp says one hour from now; OCSP responses (valid three hours) and
  // CRLs (24 hours) made now are unexpired then, but older than the signature.
  const later = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa, { now: () => new Date(Date.now() + 3_600_000) }));
  const lateSigned = await signPdf(await onePagePdf(), { fieldName: 'late', signingTime: new Date() }, (digest) => createCadesSignature(digest, employer.signer, later));
  const longLived = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore, validityMinutes: 180 });
  const early = await collectValidationMaterial(lateSigned, pki, longLived, { fetchCrl: false, fetchOcsp: false });
  t.same(early.missing, []);
  const { byField } = await signatureLevels(await addDss(lateSigned, early.material, await signatureContents(lateSigned)));
  // The TSA's revocation is then unknown: the timestamp proves the time (level B-T) but is not
  // valid, and the signature is INDETERMINATE, never valid on missing data.
  t.equal(byField.late!.timestamp?.valid, false);
  t.match(byField.late!, { level: 'B-T', indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
  t.match(byField.late!.problems.join('\n'), /not B-LT: .*no verified revocation data/);
});

t.test('a forged root CRL does not cover the issuing CAs', async (t) => {
  const keys = generateKeyPair();
  const impostor = parseCertificate(
    createCertificate(
      { subject: pki.root.subject, publicKey: keys.publicKey, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), ca: {}, keyUsage: ['keyCertSign', 'cRLSign'] },
      { selfSigningKey: keys.privateKey },
    ),
  );
  const forgedCrl = buildCrl({ thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), crlNumber: 1n, revoked: [] }, { certificate: impostor, privateKey: keys.privateKey });
  t.same(parseCrl(forgedCrl).issuer, pki.root.subject, 'names the root');
  const base = without(material, { crlIssuers: [pki.root.subject] });
  const genuineCrl = await issueCrl(rootCa, pki.statusStore);
  const levelsWith = async (crl: Uint8Array) => (await signatureLevels(await addDss(signed, { ...base, crls: [crl] }, contents))).levels;
  t.same(await levelsWith(genuineCrl), ['B-LT', 'B-LT'], 'control: a genuine root CRL');
  t.same(await levelsWith(forgedCrl), ['B-T', 'B-T']);
});

t.test('B-LTA needs the document timestamp to cover a complete DSS', async (t) => {
  const stampedEmpty = await addDocumentTimestamp(await addDss(signed, { certs: [], ocsps: [], crls: [] }, contents), tsa);
  const completedLater = await addDss(stampedEmpty, material, contents);
  const { report, levels } = await signatureLevels(completedLater);
  t.equal(report.signatures.find((s) => s.kind === 'document-timestamp')?.signatureValid, true, 'the document timestamp itself is valid');
  t.same(levels, ['B-LT', 'B-LT'], 'the complete DSS came after the document timestamp');
  t.same((await signatureLevels(await addDocumentTimestamp(completedLater, tsa))).levels, ['B-LTA', 'B-LTA'], 'a second document timestamp covers it');
});

t.test('without the root key, CRLs come from the distribution points; missing ones are reported', async (t) => {
  const external = { ...pki, authorities: pki.authorities.filter((ca) => ca.name !== 'root') };
  const unreachable = await collectValidationMaterial(signed, external, ocsp, { fetchCrl: false, fetchOcsp: false });
  t.same(unreachable.missing.map((m) => m.replace(/^.*CN=/, '')).sort(), ['LaborSign Individual CA: no revocation data', 'LaborSign Organisation CA: no revocation data']);
  t.same((await signatureLevels(await addDss(signed, unreachable.material, contents))).levels, ['B-T', 'B-T']);

  const asked: string[] = [];
  const fetched = await collectValidationMaterial(signed, external, ocsp, {
    fetchOcsp: false,
    fetchCrl: async (url) => {
      asked.push(url);
      return issueCrl(rootCa, pki.statusStore);
    },
  });
  t.same([...new Set(asked)], [pki.urls.crl('root')]);
  t.same(fetched.missing, []);
  t.same((await signatureLevels(await addDss(signed, fetched.material, contents))).levels, ['B-LT', 'B-LT']);

  const wrong = await collectValidationMaterial(signed, external, ocsp, { fetchOcsp: false, fetchCrl: async () => issueCrl(pki.organisationCa, pki.statusStore) });
  t.equal(wrong.missing.length, 2, 'a CRL from the wrong issuer is not taken');
});

t.test('a document timestamp token larger than 12 KiB is embedded in an enlarged placeholder', async (t) => {
  // An honest TSA certificate under the platform root, made large by its certificatePolicies.
  const keys = generateKeyPair();
  const policies = Array.from({ length: 1200 }, (_, i) => `1.3.6.1.4.1.99999.${i + 1}.${i + 7}`);
  const der = createCertificate(
    {
      subject: [
        { type: 'C', value: 'CN' },
        { type: 'CN', value: 'External TSA with a large certificate' },
      ],
      publicKey: keys.publicKey,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extendedKeyUsage: { purposes: [oids.kpTimeStamping], critical: true },
      policies,
    },
    rootCa,
  );
  const bigTsa = parseCertificate(der);
  t.ok(isIssuedBy(bigTsa, pki.root));
  const inner = new EmbeddedTsaClient(new TimestampAuthority({ certificate: bigTsa, privateKey: keys.privateKey, chain: [der] }));
  const sizes: number[] = [];
  const client: TimestampClient = {
    async timestamp(data) {
      const token = await inner.timestamp(data);
      sizes.push(token.length);
      return token;
    },
  };
  const stamped = await addDocumentTimestamp(withDss, client, 'big-doc-timestamp');
  t.ok(sizes[0]! > 12 * 1024, `token of ${sizes[0]} bytes`);
  t.equal(sizes.length, 2, 'stamped once more after enlarging');

  const { report, levels } = await signatureLevels(stamped);
  const stamp = report.signatures.find((s) => s.kind === 'document-timestamp')!;
  t.match(stamp, { fieldName: 'big-doc-timestamp', coversRevision: true, coversWholeFile: true, digestValid: true, signatureValid: true, chainTrusted: true, valid: true });
  t.same(levels, ['B-LTA', 'B-LTA']);
  const [, a, b, c] = stamp.byteRange as [number, number, number, number];
  const reserved = (b - a - 2) / 2;
  t.ok(reserved >= sizes[1]! && reserved <= sizes[1]! + 8 * 1024, `placeholder of ${reserved} bytes for a ${sizes[1]}-byte token`);

  if (!needs('openssl').skip) {
    const padded = Buffer.from(Buffer.from(stamped.subarray(a + 1, b - 1)).toString('latin1'), 'hex');
    const token = padded.subarray(0, readDer(padded).end);
    t.equal(token.length, sizes[1]);
    const ts = run('openssl', [
      'ts',
      '-verify',
      '-data',
      fx.file('big-ranges.bin', Buffer.concat([stamped.subarray(0, a), stamped.subarray(b, b + c)])),
      '-in',
      fx.file('big-token.der', token),
      '-token_in',
      '-CAfile',
      fx.pem('big-root.pem', pki.root.der),
      '-untrusted',
      fx.pem('big-tsa.pem', der),
    ]);
    t.match(ts.stdout, /Verification: OK/, ts.stderr);
  }
});

// Last: revokes the worker's certificate in the shared status store.
t.test('revocation in the DSS (OCSP or the CA CRL) is reported without a status lookup', async (t) => {
  // Dated before the signature's timestamp (a key compromise found out later): fatal to the signature.
  await pki.statusStore.revoke(worker.serialHex, 'keyCompromise', new Date(Date.now() - 3_600_000));
  const byOcsp = await collectValidationMaterial(signed, pki, ocsp, { fetchCrl: false, fetchOcsp: false });
  const { byField } = await signatureLevels(await addDss(signed, byOcsp.material, contents));
  t.match(byField.worker!.revocation, { status: 'revoked', source: 'dss' });
  t.equal(byField.worker!.valid, false);
  t.match(byField.employer!.revocation, { status: 'good', source: 'dss' });

  const crlOnly = { ...without(byOcsp.material, { ocspFor: [worker.serialHex] }), crls: [...byOcsp.material.crls, await issueCrl(pki.individualCa, pki.statusStore)] };
  const fromCrl = (await signatureLevels(await addDss(signed, crlOnly, contents))).byField.worker!;
  t.match(fromCrl.revocation, { status: 'revoked', source: 'dss' });
  t.equal(fromCrl.valid, false);
});
