import t from 'tap';
import { readFileSync } from 'node:fs';
import { needs, run } from '../../helpers/tools.ts';
import { parseCrl } from '../../../src/signing/pki/crl.ts';
import { generateKeyPair } from '../../../src/signing/pki/keys.ts';
import { issueCrl } from '../../../src/signing/revocation/crl.ts';
import { buildOcspRequest, createOcspResponder, OcspResponseStatus, parseOcspResponse, verifyOcspResponse } from '../../../src/signing/revocation/ocsp.ts';
import { pkiFixture } from './fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const responder = createOcspResponder({ responders: pki.ocspResponders, statusStore: pki.statusStore });
const root = fx.pem('root.pem', pki.root.der);
const individualCa = fx.pem('individual-ca.pem', pki.individualCa.certificate.der);
const individualResponder = pki.ocspResponders.find((r) => r.issuer === pki.individualCa.certificate)!;
const responderPem = fx.pem('ocsp-individuals.pem', individualResponder.certificate.der);

async function newEventCertificate(name: string) {
  const event = await pki.issueEventCertificate({ name, publicKey: generateKeyPair().publicKey });
  return { event, pem: fx.pem(`${event.serialHex}.pem`, event.certificate) };
}

t.test('openssl accepts OCSP responses; revoked after revoke', needs('openssl'), async (t) => {
  const { event, pem } = await newEventCertificate('张三');
  const requestFile = fx.file('req.der', '');
  t.equal(run('openssl', ['ocsp', '-issuer', individualCa, '-cert', pem, '-reqout', requestFile]).status, 0);
  const request = new Uint8Array(readFileSync(requestFile));

  const goodFile = fx.file('good.der', await responder(request));
  // Chain validation to the root (delegated responder issued by the CA) and nonce check.
  const byCa = run('openssl', ['ocsp', '-reqin', requestFile, '-respin', goodFile, '-CAfile', root, '-verify_other', individualCa]);
  t.equal(byCa.status, 0, byCa.stdout + byCa.stderr);
  t.match(byCa.stderr, /Response verify OK/);
  const byVa = run('openssl', ['ocsp', '-reqin', requestFile, '-respin', goodFile, '-VAfile', responderPem]);
  t.equal(byVa.status, 0, byVa.stderr);
  t.match(byVa.stderr, /Response verify OK/);
  const status = run('openssl', ['ocsp', '-respin', goodFile, '-issuer', individualCa, '-cert', pem, '-no_nonce', '-CAfile', root, '-verify_other', individualCa]);
  t.match(status.stdout, /: good/);

  await pki.statusStore.revoke(event.serialHex, 'keyCompromise', new Date(Date.now() - 1000));
  const revokedFile = fx.file('revoked.der', await responder(request));
  const revoked = run('openssl', ['ocsp', '-respin', revokedFile, '-issuer', individualCa, '-cert', pem, '-no_nonce', '-CAfile', root, '-verify_other', individualCa]);
  t.equal(revoked.status, 0, revoked.stderr);
  t.match(revoked.stdout, /: revoked/);
  t.match(revoked.stdout, /Reason: keyCompromise/);

  // A response signed by an unrelated key is refused: the check can fail.
  const orgResponderPem = fx.pem('ocsp-org.pem', pki.ocspResponders[0]!.certificate.der);
  t.not(run('openssl', ['ocsp', '-reqin', requestFile, '-respin', goodFile, '-VAfile', orgResponderPem]).status, 0);
});

t.test('own OCSP client: request, parse, verify', async (t) => {
  const { event } = await newEventCertificate('李四');
  const request = buildOcspRequest({ certificate: event.parsed, issuer: pki.individualCa.certificate });
  const response = await responder(request.der);
  const check = verifyOcspResponse(response, { certificate: event.parsed, issuer: pki.individualCa.certificate, nonce: request.nonce });
  t.same(check.problems, []);
  t.equal(check.response?.status, 'good');
  t.same(check.signer?.der, individualResponder.certificate.der);

  await pki.statusStore.revoke(event.serialHex, 'superseded');
  const after = verifyOcspResponse(await responder(request.der), { certificate: event.parsed, issuer: pki.individualCa.certificate, nonce: request.nonce });
  t.equal(after.response?.status, 'revoked');
  t.equal(after.response?.reason, 'superseded');

  t.match(verifyOcspResponse(response, { certificate: event.parsed, issuer: pki.individualCa.certificate, nonce: new Uint8Array(16) }).problems, ['nonce does not match the request']);
  t.match(verifyOcspResponse(response, { certificate: event.parsed, issuer: pki.organisationCa.certificate }).valid, false, 'wrong issuer');
  const future = new Date(Date.now() + 2 * 3600e3);
  t.match(verifyOcspResponse(response, { certificate: event.parsed, issuer: pki.individualCa.certificate, now: future }).problems, [/stale/]);

  // The root answers for the TSA certificate itself (no delegated responder needed).
  const tsaRequest = buildOcspRequest({ certificate: pki.tsa.certificate, issuer: pki.root, hash: 'sha256' });
  const tsaCheck = verifyOcspResponse(await responder(tsaRequest.der), { certificate: pki.tsa.certificate, issuer: pki.root, nonce: tsaRequest.nonce });
  t.same(tsaCheck.problems, []);
  t.equal(tsaCheck.response?.status, 'good');

  // Unknown serial, unknown issuer, garbage.
  const strangerRequest = buildOcspRequest({ certificate: { ...event.parsed, serialHex: '0123456789' }, issuer: pki.individualCa.certificate });
  t.equal(parseOcspResponse(await responder(strangerRequest.der)).basic?.responses[0]?.status, 'unknown');
  const foreignIssuer = buildOcspRequest({ certificate: event.parsed, issuer: event.parsed });
  t.equal(parseOcspResponse(await responder(foreignIssuer.der)).responseStatus, OcspResponseStatus.unauthorized);
  t.equal(parseOcspResponse(await responder(new Uint8Array([0x30, 0]))).responseStatus, OcspResponseStatus.malformedRequest);
});

t.test('CRLs: openssl crl verifies and lists the revoked serial', needs('openssl'), async (t) => {
  const { event, pem } = await newEventCertificate('王五');
  await pki.statusStore.revoke(event.serialHex, 'affiliationChanged');
  const crl = await issueCrl(pki.individualCa, pki.statusStore);
  const crlFile = fx.file('individuals.crl', crl);
  const text = run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', fx.pem('crl-ca.pem', pki.individualCa.certificate.der, pki.root.der), '-noout', '-text']);
  t.equal(text.status, 0, text.stderr);
  t.match(text.stderr, /verify OK/);
  t.match(text.stdout, /Version 2/);
  t.match(text.stdout, /X509v3 CRL Number/);
  t.match(text.stdout, /X509v3 Authority Key Identifier/);
  t.match(text.stdout, new RegExp(`Serial Number: ${event.serialHex.toUpperCase()}`));
  t.match(text.stdout, /Affiliation Changed/);

  // openssl verify with CRL checking now refuses the certificate.
  const crlPem = fx.file('individuals.crl.pem', run('openssl', ['crl', '-inform', 'DER', '-in', crlFile]).stdout);
  const refused = run('openssl', ['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', root, '-untrusted', individualCa, pem]);
  t.not(refused.status, 0);
  t.match(refused.stdout + refused.stderr, /certificate revoked/);
  const fresh = await newEventCertificate('赵六');
  const accepted = run('openssl', ['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', root, '-untrusted', individualCa, fresh.pem]);
  t.equal(accepted.status, 0, accepted.stderr);

  const parsed = parseCrl(crl);
  t.ok(parsed.crlNumber && parsed.crlNumber > 0n);
  t.same(parsed.issuer, pki.individualCa.certificate.subject);
  t.ok(parsed.revoked.some((r) => r.serialHex === event.serialHex && r.reason === 'affiliationChanged'));

  // The root CRL (issuing CAs, TSA) verifies too and is empty.
  const rootCrl = fx.file(
    'root.crl',
    await issueCrl(
      pki.authorities.find((a) => a.name === 'root')!,
      pki.statusStore,
    ),
  );
  const rootText = run('openssl', ['crl', '-inform', 'DER', '-in', rootCrl, '-CAfile', root, '-noout', '-text']);
  t.match(rootText.stderr, /verify OK/);
  t.match(rootText.stdout, /No Revoked Certificates/);
});
