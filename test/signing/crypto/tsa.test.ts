import t from 'tap';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { needs, run } from '../../helpers/tools.ts';
import { oids } from '../../../src/signing/asn1/oids.ts';
import { parseSignedData } from '../../../src/signing/cms/parse.ts';
import { TimestampAuthority } from '../../../src/signing/tsa/authority.ts';
import { EmbeddedTsaClient, HttpTsaClient } from '../../../src/signing/tsa/clients.ts';
import { buildTimestampRequest, FailureInfo, parseTimestampResponse } from '../../../src/signing/tsa/protocol.ts';
import { parseTimestampToken, verifyTimestampToken } from '../../../src/signing/tsa/token.ts';
import { pkiFixture } from './fixture.ts';

const fx = await pkiFixture();
t.teardown(fx.cleanup);
const { pki } = fx;
const authority = new TimestampAuthority(pki.tsa);
const root = fx.pem('root.pem', pki.root.der);
const tsaPem = fx.pem('tsa.pem', pki.tsa.certificate.der);
const data = Buffer.from('数据 to be time-stamped');
const dataFile = fx.file('data.bin', data);

t.test('answers an openssl ts -query; openssl parses and verifies the reply', needs('openssl'), async (t) => {
  const queryFile = fx.file('query.tsq', '');
  const query = run('openssl', ['ts', '-query', '-data', dataFile, '-sha256', '-cert', '-out', queryFile]);
  t.equal(query.status, 0, query.stderr);
  const response = authority.respond(new Uint8Array(readFileSync(queryFile)));
  const responseFile = fx.file('reply.tsr', response);

  const text = run('openssl', ['ts', '-reply', '-in', responseFile, '-text']);
  t.equal(text.status, 0, text.stderr);
  t.match(text.stdout, /Status: Granted\./);
  t.match(text.stdout, /Policy OID: 1\.3\.6\.1\.4\.1\.59999\.1\.1/);
  t.match(text.stdout, /Hash Algorithm: sha256/);
  t.match(text.stdout, /Accuracy: 0x01 seconds/);
  t.match(text.stdout, /Nonce: 0x[0-9A-F]+/);

  const byQuery = run('openssl', ['ts', '-verify', '-queryfile', queryFile, '-in', responseFile, '-CAfile', root, '-untrusted', tsaPem]);
  t.equal(byQuery.status, 0, byQuery.stdout + byQuery.stderr);
  t.match(byQuery.stdout, /Verification: OK/);

  const digestHex = createHash('sha256').update(data).digest('hex');
  const byDigest = run('openssl', ['ts', '-verify', '-digest', digestHex, '-in', responseFile, '-CAfile', root, '-untrusted', tsaPem]);
  t.equal(byDigest.status, 0, byDigest.stdout + byDigest.stderr);

  const wrongDigest = createHash('sha256').update('other').digest('hex');
  t.not(run('openssl', ['ts', '-verify', '-digest', wrongDigest, '-in', responseFile, '-CAfile', root, '-untrusted', tsaPem]).status, 0);

  // The echoed nonce equals the query's.
  const queryText = run('openssl', ['ts', '-query', '-in', queryFile, '-text']).stdout;
  t.equal(/Nonce: (0x[0-9A-F]+)/.exec(text.stdout)?.[1], /Nonce: (0x[0-9A-F]+)/.exec(queryText)?.[1]);
});

t.test('verifies tokens from the embedded client with openssl', needs('openssl'), async (t) => {
  const token = await new EmbeddedTsaClient(authority).timestamp(data);
  const result = run('openssl', ['ts', '-verify', '-token_in', '-in', fx.file('embedded.tst', token), '-data', dataFile, '-CAfile', root, '-untrusted', tsaPem]);
  t.equal(result.status, 0, result.stdout + result.stderr);
});

t.test('token content and own verifier', async (t) => {
  const digest = createHash('sha256').update(data).digest();
  const request = buildTimestampRequest({ digest });
  const reply = parseTimestampResponse(authority.respond(request.der));
  t.equal(reply.status, 0);
  const parsed = parseTimestampToken(reply.token!);
  t.equal(parsed.tstInfo.policy, oids.laborSignTsaPolicy);
  t.equal(parsed.tstInfo.accuracyMs, 1000);
  t.equal(parsed.tstInfo.nonce, BigInt('0x' + Buffer.from(request.nonce!).toString('hex')), 'nonce echoed');
  t.ok(Math.abs(parsed.tstInfo.genTime.getTime() - Date.now()) < 5000);
  t.equal(parsed.signed.certificates.length, 1, 'certReq honoured: TSA certificate included');
  const check = verifyTimestampToken(parsed, { digest });
  t.same(check.problems, []);
  t.same(check.tsaCertificate?.der, pki.tsa.certificate.der);
  t.match(verifyTimestampToken(parsed, { data: Buffer.from('x') }).problems, ['message imprint does not match the time-stamped data']);
  t.match(verifyTimestampToken(parsed, { digest }, { nonce: 1n }).problems, ['nonce does not match the request']);

  const withoutCerts = parseTimestampResponse(authority.respond(buildTimestampRequest({ digest, certReq: false }).der));
  t.equal(parseSignedData(withoutCerts.token!).certificates.length, 0, 'no certificates without certReq');
  t.ok(verifyTimestampToken(withoutCerts.token!, { digest }, { extraCertificates: [pki.tsa.certificate] }).valid);

  const serials = new Set<string>();
  for (let i = 0; i < 200; i++) serials.add(parseTimestampToken(authority.stampDigest(digest)).tstInfo.serialHex);
  t.equal(serials.size, 200, 'unique serials');
});

t.test('rejections', async (t) => {
  const sha1 = parseTimestampResponse(authority.respond(buildTimestampRequest({ digest: new Uint8Array(20), hash: 'sha1' }).der));
  t.equal(sha1.status, 2);
  t.same(sha1.failInfo, [FailureInfo.badAlg]);
  const policy = parseTimestampResponse(authority.respond(buildTimestampRequest({ digest: new Uint8Array(32), policy: '1.2.3.4' }).der));
  t.same(policy.failInfo, [FailureInfo.unacceptedPolicy]);
  const garbage = parseTimestampResponse(authority.respond(new Uint8Array([1, 2, 3])));
  t.same(garbage.failInfo, [FailureInfo.badDataFormat]);
  t.throws(() => new TimestampAuthority(pki.ocspResponders[0]!), /timeStamping/, 'a certificate without the TSA EKU cannot stamp');
  const custom = new TimestampAuthority(pki.tsa, { policy: '1.2.3.4' });
  t.equal(parseTimestampToken(custom.stampDigest(new Uint8Array(32))).tstInfo.policy, '1.2.3.4');
});

function listen(handler: (body: Buffer) => { status: number; body: Uint8Array }): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(415).end();
        return;
      }
      const reply = handler(Buffer.concat(chunks));
      res.writeHead(reply.status, { 'content-type': 'application/timestamp-reply' }).end(reply.body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;

t.test('HttpTsaClient fails over between TSAs and fails loudly', async (t) => {
  let calls = 0;
  const good = await listen((body) => {
    calls++;
    return { status: 200, body: authority.respond(body) };
  });
  const broken = await listen(() => ({ status: 500, body: new Uint8Array() }));
  // A TSA that answers with a token for the wrong data must not be accepted.
  const lying = await listen(() => ({ status: 200, body: authority.respond(buildTimestampRequest({ digest: new Uint8Array(32) }).der) }));
  t.teardown(() => {
    good.close();
    broken.close();
    lying.close();
  });

  const client = new HttpTsaClient([urlOf(broken), urlOf(lying), urlOf(good)], { timeoutMs: 2000, retries: 1 });
  const token = await client.timestamp(data);
  t.ok(verifyTimestampToken(token, { data }).valid);
  t.equal(calls, 1);

  const failing = new HttpTsaClient([urlOf(broken), urlOf(lying), 'http://127.0.0.1:1/tsa'], { timeoutMs: 1000, retries: 0 });
  const error = await failing.timestamp(data).then(
    () => undefined,
    (e: Error) => e,
  );
  t.ok(error, 'all TSAs failing throws');
  t.match(error?.message, /no time-stamping authority answered/);
  t.match(error?.message, /HTTP 500/);
  t.match(error?.message, /message imprint does not match|nonce does not match/);
  t.match(error?.message, /127\.0\.0\.1:1/);
});
