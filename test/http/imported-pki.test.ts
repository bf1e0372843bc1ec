/** Production configuration of the CA: PKI_SOURCE=pem imports an openssl-made CA and TSA. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { opensslCa } from '../helpers/openssl-ca.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { needs } from '../helpers/tools.ts';

t.test('seals are issued under an imported CA and timestamped by an imported TSA', needs('openssl'), async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'laborsign-imported-pki-'));
  const material = opensslCa((name, content) => {
    const file = path.join(work, name);
    writeFileSync(file, content);
    return file;
  });
  const pkiDir = path.join(work, 'pki');
  mkdirSync(pkiDir);
  for (const [from, to] of [
    [material.rootCert, 'root.pem'],
    [material.caCert, 'ca.pem'],
    [material.caKey, 'ca.key'],
    [material.tsaCert, 'tsa.pem'],
    [material.tsaKey, 'tsa.key'],
  ] as const)
    copyFileSync(from, path.join(pkiDir, to));

  const { app, platform, adminToken } = await createTestPlatform(t, { PKI_SOURCE: 'pem', PKI_DIR: pkiDir });
  t.equal(platform.pki.organisationCa.certificate.subjectText, 'C=CN, O=某省CA, CN=Issuing CA', 'the imported issuing CA');
  const employer = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(91) })).json();
  const key = bearer(employer.apiKey);
  const template = platform.templates.get('labor-contract-general')!;
  const created = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: key, payload: { templateId: template.id, fields: template.example } })).json();
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.id}/seal`, headers: key })).statusCode, 200);
  const pdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${created.id}/pdf`, headers: key })).rawPayload;
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: pdf, headers: { 'content-type': 'application/pdf' } })).json();
  t.equal(report.valid, true, JSON.stringify(report.signatures?.[0]?.problems));
  t.match(report.signatures, [{ signer: { issuer: /Issuing CA/ }, chainTrusted: true, level: 'B-T', timestamp: { valid: true } }]);
});

t.test('PKI_SOURCE other than builtin needs PKI_DIR', async (t) => {
  const { loadConfig } = await import('../../src/config/config.ts');
  t.throws(() => loadConfig({ PKI_SOURCE: 'pem' }), /PKI_DIR/);
});
