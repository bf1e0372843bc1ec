import t, { type Test } from 'tap';
import { createHash, webcrypto } from 'node:crypto';
import { needs, run } from '../../helpers/tools.ts';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../../src/signing/asn1/ecdsa.ts';
import { parseDer, Tag } from '../../../src/signing/asn1/der.ts';
import { oids } from '../../../src/signing/asn1/oids.ts';
import { assembleSignedData, buildSignedAttributes, createCadesSignature } from '../../../src/signing/cms/signed-data.ts';
import { parseSignedData, verifyCmsSignature } from '../../../src/signing/cms/parse.ts';
import { localSignatureKey, webCryptoSignatureKey, generateKeyPair } from '../../../src/signing/pki/keys.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient } from '../../../src/signing/tsa/clients.ts';
import { verifyTimestampToken } from '../../../src/signing/tsa/token.ts';
import type { Signer } from '../../../src/signing/types.ts';
import { usccCheckCharacter } from '../../../src/domain/identity.ts';
import { pkiFixture } from './fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const tsa = new EmbeddedTsaClient(new TimestampAuthority(pki.tsa));
const root = fx.pem('root.pem', pki.root.der);
const tsaPem = fx.pem('tsa.pem', pki.tsa.certificate.der);
const content = Buffer.from('%PDF-1.7 劳动合同 sample bytes standing in for the ByteRange\n'.repeat(50));
const contentFile = fx.file('content.bin', content);
const digest = createHash('sha256').update(content).digest();

const body = '91440300MA5FABCDE';
const org = await pki.issueOrganisationCertificate({ name: '深圳某某有限公司', uscc: body + usccCheckCharacter(body) });
if (!('signer' in org)) throw new Error('expected a platform-held key');

function opensslVerify(name: string, cms: Uint8Array, data = contentFile) {
  return run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', fx.file(name, cms), '-content', data, '-CAfile', root, '-purpose', 'any', '-out', '/dev/null']);
}

function checkTimestamp(t: Test, name: string, cms: Uint8Array) {
  const parsed = parseSignedData(cms);
  t.ok(parsed.timestampToken, 'signature timestamp present');
  const stamped = fx.file(`${name}.sigvalue`, parsed.signature);
  const token = fx.file(`${name}.tst`, parsed.timestampToken!);
  const result = run('openssl', ['ts', '-verify', '-token_in', '-in', token, '-data', stamped, '-CAfile', root, '-untrusted', tsaPem]);
  t.equal(result.status, 0, result.stdout + result.stderr);
  t.match(result.stdout, /Verification: OK/);
}

t.test('platform-held key: openssl cms -verify accepts the detached CAdES signature', needs('openssl'), async (t) => {
  const cms = await createCadesSignature(digest, org.signer, tsa);
  const result = opensslVerify('org.p7s', cms);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stderr, /Verification successful/);
  checkTimestamp(t, 'org', cms);
  // Same signature over different content fails: the check can fail.
  t.not(opensslVerify('org2.p7s', cms, fx.file('other.bin', 'something else')).status, 0);

  const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', fx.file('org-print.p7s', cms)]).stdout;
  t.match(printed, /eContent: <ABSENT>/);
  t.match(printed, /id-smime-aa-signingCertificateV2/);
  t.match(printed, /id-smime-aa-timeStampToken/);
  t.notMatch(printed, /signingTime/);
});

t.test('browser key: WebCrypto ECDSA P-256, non-extractable, two-phase', needs('openssl'), async (t) => {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const event = await pki.issueEventCertificate({ name: '张三', idNumberHash: 'ABCDEF0123', publicKey: spki });

  // Phase 1 (server): signed attributes. Phase 2 (browser): raw r||s signature. Phase 3: assemble.
  const signedAttributes = buildSignedAttributes({ documentDigest: digest, signerCertificate: event.certificate });
  const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, signedAttributes));
  t.equal(raw.length, 64);
  const signatureValue = ecdsaRawToDer(raw);
  t.same(ecdsaDerToRaw(signatureValue), raw, 'raw ⇄ DER round trip');
  const token = await tsa.timestamp(signatureValue);
  const cms = assembleSignedData({
    signedAttributes,
    signatureValue,
    algorithm: 'ecdsa-p256-sha256',
    chain: event.chain,
    unsignedAttributes: [{ type: oids.signatureTimeStampToken, values: [token] }],
  });
  const result = opensslVerify('event.p7s', cms);
  t.equal(result.status, 0, result.stderr);
  checkTimestamp(t, 'event', cms);

  // The same through the SignatureKey adapter.
  const signer: Signer = { key: webCryptoSignatureKey(keys.privateKey), chain: event.chain };
  const viaAdapter = await createCadesSignature(digest, signer, tsa);
  t.equal(opensslVerify('event2.p7s', viaAdapter).status, 0);
});

t.test('RSA-3072 signer', needs('openssl'), async (t) => {
  const keys = generateKeyPair('rsa3072-sha256');
  const event = await pki.issueEventCertificate({ name: 'RSA 用户', publicKey: keys.publicKey });
  const cms = await createCadesSignature(digest, { key: localSignatureKey(keys.privateKey), chain: event.chain }, tsa);
  t.equal(opensslVerify('rsa.p7s', cms).status, 0);
  t.ok(verifyCmsSignature(parseSignedData(cms), digest).valid);
});

t.test('signed attributes: exactly contentType, messageDigest, signing-certificate-v2, DER-sorted', async (t) => {
  const der = buildSignedAttributes({ documentDigest: digest, signerCertificate: org.certificate });
  const set = parseDer(der).expect(Tag.set);
  const types = set.children().map((a) => a.at(0).oid());
  t.same([...types].sort(), [oids.contentType, oids.messageDigest, oids.signingCertificateV2].sort());
  const encodings = set.children().map((a) => Buffer.from(a.bytes));
  t.same(encodings, [...encodings].sort(Buffer.compare), 'DER order');
  t.throws(() => buildSignedAttributes({ documentDigest: digest.subarray(0, 20), signerCertificate: org.certificate }));
});

t.test('parser and verifier', async (t) => {
  const cms = await createCadesSignature(digest, org.signer, tsa);
  const parsed = parseSignedData(cms);
  t.equal(parsed.eContentType, oids.data);
  t.equal(parsed.eContent, undefined);
  t.equal(parsed.digestAlgorithm, oids.sha256);
  t.equal(parsed.certificates.length, 2, 'leaf and issuing CA');
  t.same(parsed.signerCertificate?.der, org.certificate);
  t.same(parsed.signedAttributesDer, buildSignedAttributes({ documentDigest: digest, signerCertificate: org.certificate }));
  t.same(verifyCmsSignature(parsed, digest), { valid: true, problems: [], signerCertificate: parsed.signerCertificate, digestMatches: true, signatureVerifies: true, attributesValid: true });
  t.ok(verifyTimestampToken(parsed.timestampToken!, { data: parsed.signature }).valid);

  const otherDigest = createHash('sha256').update('tampered').digest();
  t.match(verifyCmsSignature(parsed, otherDigest).problems, ['messageDigest does not match the content']);

  const tamperedSignature = new Uint8Array(parsed.signature);
  tamperedSignature[10]! ^= 1;
  t.match(verifyCmsSignature({ ...parsed, signature: tamperedSignature }, digest).problems, [/signature value does not verify/]);

  // A CMS whose signing-certificate-v2 names another certificate.
  const other = await pki.issueOrganisationCertificate({ name: '另一家公司', uscc: body + usccCheckCharacter(body) });
  const mismatched = buildSignedAttributes({ documentDigest: digest, signerCertificate: other.certificate });
  const wrong = assembleSignedData({ signedAttributes: mismatched, signatureValue: await org.signer.key.sign(mismatched), algorithm: 'ecdsa-p256-sha256', chain: org.chain });
  t.match(verifyCmsSignature(parseSignedData(wrong), digest).problems, [/signing-certificate/]);
});

t.test('TSA failure throws instead of leaving the signature unstamped', async (t) => {
  const failing = {
    timestamp: async () => {
      throw new Error('connection refused');
    },
  };
  await t.rejects(createCadesSignature(digest, org.signer, failing), /signature timestamp failed: connection refused/);
});

t.test('a signature with its embedded timestamp costs well under 5 ms', async (t) => {
  for (let i = 0; i < 20; i++) await createCadesSignature(digest, org.signer, tsa);
  const runs = 200;
  const start = performance.now();
  for (let i = 0; i < runs; i++) await createCadesSignature(digest, org.signer, tsa);
  const each = (performance.now() - start) / runs;
  t.ok(each < 5, `${each.toFixed(3)} ms per CAdES-B-T signature`);
});
