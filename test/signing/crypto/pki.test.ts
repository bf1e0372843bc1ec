import t from 'tap';
import { opensslCa } from '../../helpers/openssl-ca.ts';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { needs, run } from '../../helpers/tools.ts';
import { nameAttribute } from '../../../src/signing/asn1/names.ts';
import { pemEncode } from '../../../src/signing/asn1/der.ts';
import { createBuiltInPki } from '../../../src/signing/pki/built-in.ts';
import { loadPkiFromPem, loadPkiFromPkcs12 } from '../../../src/signing/pki/imported.ts';
import { createCertificate, isTimestampingCertificate } from '../../../src/signing/pki/certificate.ts';
import { algorithmOfKey, generateKeyPair, openSealedPrivateKey, sealPrivateKey } from '../../../src/signing/pki/keys.ts';
import { usccCheckCharacter } from '../../../src/domain/identity.ts';
import { pkiFixture } from './fixture.ts';

const usccBody = '91110108MA01ABCDE';
const uscc = usccBody + usccCheckCharacter(usccBody);

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const root = fx.pem('root.pem', pki.root.der);

t.test('certificates chain to the root under openssl verify', needs('openssl'), async (t) => {
  const org = await pki.issueOrganisationCertificate({ name: '北京某某科技有限公司', uscc });
  const worker = generateKeyPair();
  const event = await pki.issueEventCertificate({ name: '张三', idNumberHash: 'A1B2C3', publicKey: worker.publicKey });
  const cases: [string, Uint8Array, Uint8Array[]][] = [
    ['organisation', org.certificate, [pki.organisationCa.certificate.der]],
    ['event', event.certificate, [pki.individualCa.certificate.der]],
    ['tsa', pki.tsa.certificate.der, []],
    ...pki.ocspResponders.filter((r) => r.certificate !== pki.root).map((r, i): [string, Uint8Array, Uint8Array[]] => [`ocsp${i}`, r.certificate.der, r.chain.slice(1)]),
  ];
  t.equal(cases.length, 5);
  for (const [name, leaf, intermediates] of cases) {
    const args = ['verify', '-CAfile', root];
    if (intermediates.length) args.push('-untrusted', fx.pem(`${name}-chain.pem`, ...intermediates));
    if (name === 'tsa') args.push('-purpose', 'timestampsign');
    if (name === 'organisation' || name === 'event') args.push('-purpose', 'smimesign');
    const result = run('openssl', [...args, fx.pem(`${name}.pem`, leaf)]);
    t.equal(result.status, 0, `${name}: ${result.stdout}${result.stderr}`);
    t.match(result.stdout, /: OK/);
  }
  // A certificate signed by another root is refused: the check can fail.
  const stranger = generateKeyPair();
  const foreign = createCertificate(
    { subject: [{ type: 'CN', value: 'stranger' }], publicKey: stranger.publicKey, notBefore: new Date(), notAfter: new Date(Date.now() + 3600e3), keyUsage: ['digitalSignature'] },
    { selfSigningKey: stranger.privateKey },
  );
  t.not(run('openssl', ['verify', '-CAfile', root, fx.pem('foreign.pem', foreign)]).status, 0);
});

t.test('openssl x509 -text shows the extensions and UTF-8 names', needs('openssl'), async (t) => {
  const org = await pki.issueOrganisationCertificate({ name: '北京某某科技有限公司', uscc });
  const text = run('openssl', ['x509', '-text', '-noout', '-nameopt', 'utf8,sep_comma_plus_space', '-in', fx.pem('org-text.pem', org.certificate)]).stdout;
  t.match(text, /Subject: C=CN, O=北京某某科技有限公司, organizationIdentifier=NTRCN-91110108MA01ABCDE\w, CN=北京某某科技有限公司/);
  t.match(text, /Basic Constraints: critical\s+CA:FALSE/);
  t.match(text, /Key Usage: critical\s+Digital Signature, Non Repudiation/);
  t.match(text, /Subject Key Identifier/);
  t.match(text, /Authority Key Identifier/);
  t.match(text, /CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127\.0\.0\.1:3000\/pki\/crl\/organisations\.crl/);
  t.match(text, /OCSP - URI:http:\/\/127\.0\.0\.1:3000\/pki\/ocsp/);
  t.match(text, /CA Issuers - URI:http:\/\/127\.0\.0\.1:3000\/pki\/ca\/organisations\.cer/);
  t.match(text, /Certificate Policies:\s+Policy: 1\.3\.6\.1\.4\.1\.59999\.2\.1/);
  t.match(text, /Serial Number:\s+(?:[0-9a-f]{2}:){15}[0-9a-f]{2}/);

  const tsaText = run('openssl', ['x509', '-text', '-noout', '-in', fx.pem('tsa-text.pem', pki.tsa.certificate.der)]).stdout;
  t.match(tsaText, /Extended Key Usage: critical\s+Time Stamping/);
  const ocspText = run('openssl', ['x509', '-text', '-noout', '-in', fx.pem('ocsp-text.pem', pki.ocspResponders[0]!.certificate.der)]).stdout;
  t.match(ocspText, /Extended Key Usage:\s+OCSP Signing/);
  t.match(ocspText, /OCSP No Check/);
  const caText = run('openssl', ['x509', '-text', '-noout', '-in', fx.pem('ca-text.pem', pki.organisationCa.certificate.der)]).stdout;
  t.match(caText, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  t.match(caText, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
});

t.test('issuance API', async (t) => {
  const held = await pki.issueOrganisationCertificate({ name: '上海甲乙丙有限公司', uscc });
  t.ok('signer' in held, 'platform-held key returns a Signer');
  if (!('signer' in held)) return;
  t.equal(held.signer.key.algorithm, 'ecdsa-p256-sha256');
  t.equal(held.signer.chain.length, 2);
  t.equal(nameAttribute(held.parsed.subject, 'organizationIdentifier'), `NTRCN-${uscc}`);
  t.equal(held.parsed.serial.length, 16);
  t.ok(held.parsed.serial[0]! < 0x80, 'serial positive');
  t.ok(held.sealedPrivateKey?.includes('ENCRYPTED PRIVATE KEY'));
  t.equal((await pki.statusStore.status(held.serialHex)).status, 'good');

  const ownKey = generateKeyPair('rsa3072-sha256');
  const withKey = await pki.issueOrganisationCertificate({ name: 'RSA 公司', uscc, publicKey: ownKey.publicKey.export({ type: 'spki', format: 'der' }) });
  t.notOk('signer' in withKey);
  t.equal(algorithmOfKey(withKey.parsed.publicKey), 'rsa3072-sha256');

  const wrongCheck = usccBody + (uscc.endsWith('0') ? '1' : '0');
  await t.rejects(pki.issueOrganisationCertificate({ name: 'x', uscc: wrongCheck }), /USCC/);

  const worker = generateKeyPair();
  const event = await pki.issueEventCertificate({ name: '李四', maskedIdNumber: '110***********1234', publicKey: worker.publicKey, validityMinutes: 30 });
  const lifetime = event.parsed.notAfter.getTime() - Date.now();
  t.ok(lifetime > 29 * 60e3 && lifetime <= 30 * 60e3 + 1000, `short-lived (${lifetime} ms)`);
  t.same(event.parsed.keyUsage, ['digitalSignature', 'nonRepudiation']);
  t.equal(nameAttribute(event.parsed.subject, 'serialNumber'), '110***********1234');
  t.equal(event.chain.length, 2);
});

t.test('RSA-2048 and other weak keys are refused', async (t) => {
  const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
  t.throws(() => algorithmOfKey(rsa2048.publicKey), /RSA-2048 keys are refused/);
  await t.rejects(pki.issueEventCertificate({ name: 'x', publicKey: rsa2048.publicKey }), /RSA-2048/);
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  t.throws(() => algorithmOfKey(p384.publicKey), /P-256/);
  t.equal(algorithmOfKey(generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey), 'rsa3072-sha256');
});

t.test('CA keys at rest are encrypted under the master key', async (t) => {
  const keyFile = path.join(fx.dir, 'data', 'pki', 'root.key.pem');
  const pem = readFileSync(keyFile, 'utf8');
  t.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  t.equal(statSync(keyFile).mode & 0o777, 0o600);
  t.throws(() => openSealedPrivateKey(pem, randomBytes(32)), 'wrong master key cannot read it');
  t.throws(() => execFileSync('openssl', ['pkey', '-in', keyFile, '-passin', 'pass:'], { stdio: 'pipe' }), 'openssl cannot read it without a passphrase');
  const key = openSealedPrivateKey(pem, fx.masterKey);
  t.equal(key.asymmetricKeyType, 'ec');
  const resealed = sealPrivateKey(key, fx.masterKey);
  t.not(resealed, pem, 'fresh salt and IV each time');

  // Second start loads the same CA instead of generating a new one.
  const again = await createBuiltInPki({ dataDir: path.join(fx.dir, 'data'), masterKey: fx.masterKey, baseUrl: 'http://127.0.0.1:3000' });
  t.same(again.root.der, pki.root.der);
  await t.rejects(createBuiltInPki({ dataDir: path.join(fx.dir, 'data'), masterKey: randomBytes(32), baseUrl: 'http://x' }));
});

t.test('production import from PEM and PKCS#12 is validated', needs('openssl'), async (t) => {
  const write = (name: string, content: string) => fx.file(name, content);
  const m = opensslCa(write);
  const read = (file: string) => readFileSync(file, 'utf8');
  // Encrypted CA key, as production would keep it.
  const encryptedCaKey = write('p-ca-enc.key', '');
  m.sh(['pkcs8', '-topk8', '-in', m.caKey, '-v2', 'aes-256-cbc', '-passout', 'pass:s3cret', '-out', encryptedCaKey]);
  const base = { rootCertPem: read(m.rootCert), caCertPem: read(m.caCert), tsaCertPem: read(m.tsaCert), tsaKeyPem: read(m.tsaKey), baseUrl: 'https://sign.example.cn' };
  const loaded = await loadPkiFromPem({ ...base, caKeyPem: read(encryptedCaKey), passphrase: 's3cret' });
  t.equal(loaded.organisationCa.certificate.subjectText, 'C=CN, O=某省CA, CN=Issuing CA');
  t.ok(isTimestampingCertificate(loaded.tsa.certificate));
  const worker = generateKeyPair();
  const event = await loaded.issueEventCertificate({ name: '王五', publicKey: worker.publicKey });
  const verify = run('openssl', ['verify', '-CAfile', m.rootCert, '-untrusted', m.caCert, fx.pem('p-event.pem', event.certificate)]);
  t.equal(verify.status, 0, verify.stderr);

  await t.rejects(loadPkiFromPem({ ...base, caKeyPem: read(m.tsaKey) }), /does not match/, 'key must match cert');
  await t.rejects(loadPkiFromPem({ ...base, caKeyPem: read(m.tsaKey), caCertPem: read(m.tsaCert) }), /CA:TRUE/, 'CA flag required');
  await t.rejects(loadPkiFromPem({ ...base, caKeyPem: read(m.caKey), tsaCertPem: read(m.weakTsaCert) }), /critical extendedKeyUsage/, 'TSA EKU must be critical');
  await t.rejects(loadPkiFromPem({ ...base, caKeyPem: read(encryptedCaKey), passphrase: 'wrong' }));

  // PKCS#12 as OpenSSL 3 writes it (PBES2, AES-256-CBC, HMAC-SHA256 MAC).
  const p12 = (key: string, cert: string, name: string) => {
    const out = write(name, '');
    m.sh(['pkcs12', '-export', '-inkey', key, '-in', cert, '-certfile', m.rootCert, '-passout', 'pass:p12pass', '-out', out]);
    return new Uint8Array(readFileSync(out));
  };
  const fromP12 = await loadPkiFromPkcs12({
    rootCertPem: read(m.rootCert),
    caP12: p12(m.caKey, m.caCert, 'ca.p12'),
    tsaP12: p12(m.tsaKey, m.tsaCert, 'tsa.p12'),
    password: 'p12pass',
    baseUrl: 'https://sign.example.cn',
  });
  t.same(fromP12.organisationCa.certificate.der, loaded.organisationCa.certificate.der);
  t.equal(fromP12.organisationCa.chain.length, 2, 'chain from the p12: CA then root');
  await t.rejects(
    loadPkiFromPkcs12({ rootCertPem: read(m.rootCert), caP12: p12(m.caKey, m.caCert, 'ca2.p12'), tsaP12: p12(m.tsaKey, m.weakTsaCert, 'tsa2.p12'), password: 'p12pass', baseUrl: 'x' }),
    /critical extendedKeyUsage/,
  );
  t.ok(pemEncode(fromP12.root.der, 'CERTIFICATE').length > 0);
});
