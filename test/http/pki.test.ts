/** The PKI endpoints as verifiers use them: certificates, CRL, OCSP and the TSA, checked with openssl. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Certificates } from '../../src/services/certificates.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs, run } from '../helpers/tools.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const dir = await mkdtemp(path.join(tmpdir(), 'laborsign-pki-'));
const file = (name: string) => path.join(dir, name);

const root = await app.inject('/pki/ca/root.pem');
await writeFile(file('root.pem'), root.body);
const orgCa = await app.inject('/pki/ca/organisations.pem');
await writeFile(file('organisations.pem'), orgCa.body);
const organisation = await platform.pki.issueOrganisationCertificate({ name: '运城测试实业有限公司', uscc: '91350100M000100Y43' });
await writeFile(file('leaf.pem'), `-----BEGIN CERTIFICATE-----\n${Buffer.from(organisation.certificate).toString('base64')}\n-----END CERTIFICATE-----\n`);

t.test('CA certificates are served as PEM and DER', async (t) => {
  t.equal(root.statusCode, 200);
  t.match(root.body, /BEGIN CERTIFICATE/);
  const der = await app.inject('/pki/ca/individuals.cer');
  t.equal(der.headers['content-type'], 'application/pkix-cert');
  t.equal((await app.inject('/pki/ca/nobody.cer')).statusCode, 404);
});

t.test('the TSA answers openssl timestamp queries that openssl verifies', needs('openssl'), async (t) => {
  await writeFile(file('data.txt'), '劳动合同');
  t.equal(run('openssl', ['ts', '-query', '-data', file('data.txt'), '-sha256', '-cert', '-out', file('q.tsq')]).status, 0);
  const { readFile } = await import('node:fs/promises');
  const res = await app.inject({ method: 'POST', url: '/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: await readFile(file('q.tsq')) });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/timestamp-reply');
  await writeFile(file('r.tsr'), res.rawPayload);
  const verify = run('openssl', ['ts', '-verify', '-queryfile', file('q.tsq'), '-in', file('r.tsr'), '-CAfile', file('root.pem')]);
  t.match(verify.stdout, /Verification: OK/, verify.stderr);
});

t.test('revocation by the admin shows in the CRL and in OCSP', needs('openssl'), async (t) => {
  const { readFile } = await import('node:fs/promises');
  const ocspCheck = async () => {
    t.equal(run('openssl', ['ocsp', '-issuer', file('organisations.pem'), '-cert', file('leaf.pem'), '-reqout', file('o.req'), '-no_nonce']).status, 0);
    const res = await app.inject({ method: 'POST', url: '/pki/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: await readFile(file('o.req')) });
    await writeFile(file('o.resp'), res.rawPayload);
    return run('openssl', [
      'ocsp',
      '-respin',
      file('o.resp'),
      '-issuer',
      file('organisations.pem'),
      '-cert',
      file('leaf.pem'),
      '-CAfile',
      file('root.pem'),
      '-verify_other',
      file('organisations.pem'),
    ]);
  };
  const before = await ocspCheck();
  t.match(before.stdout, /: good/, before.stderr);

  const employer = await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${organisation.serialHex}/revoke`, headers: bearer('lsk_nobody'), payload: { reason: 'keyCompromise' } });
  t.equal(employer.statusCode, 401);
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${organisation.serialHex}/revoke`, headers: bearer(adminToken), payload: { reason: 'keyCompromise' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  t.match(revoked.json(), { status: 'revoked', reason: 'keyCompromise' });

  const after = await ocspCheck();
  t.match(after.stdout, /: revoked/, after.stderr);
  const crl = await app.inject('/pki/crl/organisations.crl');
  await writeFile(file('org.crl'), crl.rawPayload);
  await writeFile(file('chain.pem'), root.body + orgCa.body);
  const listed = run('openssl', ['crl', '-inform', 'DER', '-in', file('org.crl'), '-noout', '-text', '-CAfile', file('chain.pem')]);
  t.match(listed.stdout, new RegExp(organisation.serialHex, 'i'));
  t.match(listed.stdout + listed.stderr, /verify OK/);

  const unknown = await app.inject({ method: 'POST', url: '/api/v1/admin/certificates/abcdef/revoke', headers: bearer(adminToken), payload: {} });
  t.equal(unknown.statusCode, 404);
  const badReason = await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${organisation.serialHex}/revoke`, headers: bearer(adminToken), payload: { reason: 'bored' } });
  t.equal(badReason.statusCode, 400);
  t.equal(badReason.json().errors[0].field, 'reason');
});

t.test('a revocation and its audit event are one transaction: when the audit fails, nothing is revoked', async (t) => {
  const leaf = await platform.pki.issueOrganisationCertificate({ name: '运城撤销测试有限公司', uscc: '91350100M000100Y43' });
  // The platform's database, except that inside a transaction the audit table refuses writes.
  const auditDown = new Proxy(platform.db, {
    get(target, key) {
      if (key !== '$transaction') return Reflect.get(target, key);
      return (work: (tx: unknown) => Promise<unknown>) =>
        target.$transaction((tx) =>
          work(
            new Proxy(tx, {
              get(inner, name) {
                if (name === 'auditEvent') throw new Error('audit store unavailable');
                const value = Reflect.get(inner, name);
                return typeof value === 'function' ? value.bind(inner) : value;
              },
            }),
          ),
        );
    },
  });
  const certificates = new Certificates({ db: auditDown, audit: platform.audit, pki: platform.pki, ocsp: platform.ocsp, tsa: platform.tsaAuthority, crypto: platform.fieldCrypto });
  await t.rejects(certificates.revoke(leaf.serialHex, 'keyCompromise', new Date(), { kind: 'admin' }), /audit store unavailable/);
  t.equal((await platform.pki.statusStore.status(leaf.serialHex)).status, 'good', 'the revocation was rolled back with the audit event');

  const revoked = await app.inject({ method: 'POST', url: `/api/v1/admin/certificates/${leaf.serialHex}/revoke`, headers: bearer(adminToken), payload: { reason: 'superseded' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  const event = await platform.db.auditEvent.findFirst({ where: { chain: 'platform', type: 'certificate.revoked' }, orderBy: { seq: 'desc' } });
  t.match(event?.data, { serial: leaf.serialHex.toLowerCase(), reason: 'superseded' });
});
