/**
 * Checks of a signed PDF by tools that share no code with ours: pdfsig (poppler) with an NSS
 * database trusting our root, NSS's vfychain, `openssl cms -verify`, `openssl ts -verify` and
 * `qpdf --check`. Used on the synthetic PDF of test/signing/pades and on the real contract of
 * test/http/signing-flow, so both face exactly the same checks.
 *
 * The signatures are located by reading the file's /ByteRange arrays directly (not through our
 * verifier), and each /Contents is taken from between the byte ranges.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { pemEncode, readDer } from '../../src/signing/asn1/der.ts';
import { parseSignedData } from '../../src/signing/cms/parse.ts';
import { needs, run } from './tools.ts';

export interface TrustMaterial {
  /** The only trust anchor. */
  root: Uint8Array;
  /** Intermediate CAs (organisations, individuals), given to openssl as untrusted helpers. */
  authorities: Uint8Array[];
  /** The time-stamping authority's certificate. */
  tsa: Uint8Array;
}

export interface PdfSignature {
  /** /SubFilter of the dictionary, e.g. ETSI.CAdES.detached or ETSI.RFC3161. */
  subFilter: string;
  byteRange: [number, number, number, number];
  /** The DER of /Contents without its zero padding (a CMS SignedData or a timestamp token). */
  der: Buffer;
  /** The bytes the byte range covers. */
  content: Buffer;
}

type ToolResult = ReturnType<typeof run>;

/** Every signature dictionary of a PDF, in file order, read from its /ByteRange. */
export function pdfSignatures(pdf: Uint8Array): PdfSignature[] {
  const bytes = Buffer.from(pdf);
  const text = bytes.toString('latin1');
  const found: PdfSignature[] = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const byteRange = match.slice(1, 5).map(Number) as [number, number, number, number];
    const [a, b, c, d] = byteRange;
    if (a !== 0 || b <= 0 || c <= b || c + d > bytes.length) continue; // a placeholder, never a signature
    const before = text.slice(Math.max(0, match.index - 600), match.index);
    const subFilter = [...before.matchAll(/\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/g)].at(-1)?.[1] ?? '';
    const padded = Buffer.from(text.slice(b + 1, c - 1), 'hex');
    found.push({ subFilter, byteRange, der: padded.subarray(0, readDer(padded).end), content: Buffer.concat([bytes.subarray(a, b), bytes.subarray(c, c + d)]) });
  }
  return found;
}

/**
 * Splits pdfsig's output into one block per signature ("Signature #1:", ...). pdfsig also lists
 * the empty fields the seal makes for later signers ("The signature form field is not signed."):
 * those are no signatures and are left out.
 */
export function pdfsigBlocks(stdout: string): string[] {
  return stdout
    .split(/Signature #\d+:/)
    .slice(1)
    .filter((block) => !block.includes('The signature form field is not signed'));
}

export class IndependentChecks {
  private trustedNss?: string;
  private untrustedNss?: string;
  private counter = 0;

  private constructor(
    readonly dir: string,
    private readonly trust: TrustMaterial,
  ) {}

  /** A scratch directory for the tools' inputs, removed by the given teardown. */
  static create(trust: TrustMaterial, t?: { teardown(fn: () => unknown): void }): IndependentChecks {
    const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-independent-'));
    t?.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return new IndependentChecks(dir, trust);
  }

  /** Writes bytes into the scratch directory under a unique name; returns the path. */
  file(name: string, content: Uint8Array | string): string {
    const target = path.join(this.dir, `${++this.counter}-${name}`);
    writeFileSync(target, content);
    return target;
  }

  pem(name: string, ...certificates: Uint8Array[]): string {
    return this.file(name, certificates.map((c) => pemEncode(c, 'CERTIFICATE')).join(''));
  }

  /** An NSS database (certutil) in which our root is trusted for signing: `-t CT,C,C`. */
  nssDatabase(): string {
    if (this.trustedNss) return this.trustedNss;
    const dir = path.join(this.dir, 'nss-trusted');
    mkdirSync(dir, { recursive: true });
    run('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
    const added = run('certutil', ['-A', '-n', 'laborsign-root', '-t', 'CT,C,C', '-i', this.pem('root-nss.pem', this.trust.root), '-d', `sql:${dir}`]);
    if (added.status !== 0) throw new Error(`certutil -A failed: ${added.stderr}`);
    this.trustedNss = dir;
    return dir;
  }

  /** An NSS database that trusts nothing: the contrast that shows the trusted one matters. */
  emptyNssDatabase(): string {
    if (this.untrustedNss) return this.untrustedNss;
    const dir = path.join(this.dir, 'nss-empty');
    mkdirSync(dir, { recursive: true });
    run('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
    this.untrustedNss = dir;
    return dir;
  }

  /** pdfsig over a file, with our root trusted (`trusted: false`: with the empty database). */
  pdfsig(file: string, options: { trusted?: boolean } = {}): ToolResult {
    const nss = options.trusted === false ? this.emptyNssDatabase() : this.nssDatabase();
    return run('pdfsig', ['-nssdir', `sql:${nss}`, '-no-ocsp', file]);
  }

  /** NSS's vfychain over a CMS's signer chain, as an object-signing (usage 4) certificate. */
  vfychain(cms: Uint8Array): ToolResult {
    const parsed = parseSignedData(cms);
    const leaf = parsed.signerCertificate;
    if (!leaf) throw new Error('the CMS names no signer certificate it carries');
    const others = parsed.certificates.filter((c) => !Buffer.from(c).equals(Buffer.from(leaf.der)));
    const files = [this.file('leaf.der', leaf.der), ...others.map((c) => this.file('ca.der', c))];
    return run('vfychain', ['-d', `sql:${this.nssDatabase()}`, '-pp', '-u', '4', ...files]);
  }

  /** `openssl cms -verify` of a detached CMS over its byte ranges, trusting only our root. */
  cmsVerify(signature: PdfSignature): ToolResult {
    return run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      this.file('sig.der', signature.der),
      '-content',
      this.file('content.bin', signature.content),
      '-CAfile',
      this.pem('root-cms.pem', this.trust.root),
      '-certfile',
      this.pem('cas-cms.pem', ...this.trust.authorities),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
  }

  /** `openssl ts -verify` of a timestamp token over data (trusting only our root). */
  tsVerify(token: Uint8Array, data: Uint8Array): ToolResult {
    return run('openssl', [
      'ts',
      '-verify',
      '-data',
      this.file('ts-data.bin', data),
      '-in',
      this.file('token.der', token),
      '-token_in',
      '-CAfile',
      this.pem('root-ts.pem', this.trust.root),
      '-untrusted',
      this.pem('tsa.pem', this.trust.tsa, ...this.trust.authorities),
    ]);
  }

  /** The signature timestamp of a CAdES signature, checked against its SignerInfo signature value. */
  signatureTimestampVerify(signature: PdfSignature): ToolResult & { hasToken: boolean } {
    const parsed = parseSignedData(signature.der);
    if (!parsed.timestampToken) return { status: null, stdout: '', stderr: 'no signature timestamp', hasToken: false };
    return { ...this.tsVerify(parsed.timestampToken, parsed.signature), hasToken: true };
  }

  qpdfCheck(file: string): ToolResult {
    return run('qpdf', ['--check', file]);
  }
}

/**
 * The full set of independent checks over one signed PDF, as subtests of `t`: the signature
 * dictionaries found in the file; qpdf --check; pdfsig with our root trusted (and without it);
 * vfychain per signer chain; openssl cms -verify per CAdES signature and openssl ts -verify of
 * its signature timestamp; openssl ts -verify of every document timestamp over its byte range.
 * `expected`: how many CAdES signatures and document timestamps the file carries, in that order.
 */
export function registerIndependentChecks(t: Test, checks: IndependentChecks, pdf: Uint8Array, expected: { signatures: number; documentTimestamps: number; label?: string }) {
  const label = expected.label ?? 'the signed PDF';
  const file = checks.file('independent.pdf', pdf);
  const all = pdfSignatures(pdf);
  const cades = all.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
  const stamps = all.filter((s) => s.subFilter === 'ETSI.RFC3161');

  t.test(`${label}: signature dictionaries read from the file`, async (t) => {
    t.same(
      all.map((s) => s.subFilter),
      [...Array<string>(expected.signatures).fill('ETSI.CAdES.detached'), ...Array<string>(expected.documentTimestamps).fill('ETSI.RFC3161')],
      'CAdES signatures first, then document timestamps',
    );
    const last = all.at(-1);
    t.ok(last && last.byteRange[2] + last.byteRange[3] === pdf.length, 'the last one covers the whole file');
  });

  t.test(`${label}: qpdf --check`, needs('qpdf'), async (t) => {
    const result = checks.qpdfCheck(file);
    t.equal(result.status, 0, result.stdout + result.stderr);
    t.match(result.stdout, /No syntax or stream encoding errors found/);
  });

  /*
   * pdfsig 22.12 (Debian 12) reads a stale NSS error after a successful chain check and prints
   * "Unknown issue with Certificate" for every chain, even one made by openssl; it never prints
   * "Certificate is Trusted". An untrusted root shows "Certificate issuer is unknown" instead. So
   * pdfsig proves the signatures valid and our root recognised (by contrast with an empty NSS
   * database), and NSS's own vfychain (the library pdfsig uses) proves each chain trusted.
   */
  t.test(`${label}: pdfsig with an NSS database trusting our root: signatures valid, issuer known`, needs('pdfsig', 'certutil'), async (t) => {
    const result = checks.pdfsig(file);
    const blocks = pdfsigBlocks(result.stdout);
    t.equal(blocks.length, expected.signatures + expected.documentTimestamps, result.stdout + result.stderr);
    for (const block of blocks.slice(0, expected.signatures)) {
      t.match(block, /Signature Validation: Signature is Valid/);
      t.notMatch(block, /issuer is unknown|not trusted|revoked|expired/i);
    }
    t.notMatch(result.stdout, /Signature is Invalid|Digest Mismatch/);
    const untrusted = checks.pdfsig(file, { trusted: false });
    t.match(untrusted.stdout, /Certificate issuer is unknown/, 'without our root the issuer is unknown');
  });

  t.test(`${label}: NSS vfychain: each signer chain is trusted for signing under our root`, needs('vfychain', 'certutil'), async (t) => {
    t.equal(cades.length, expected.signatures);
    for (const [index, signature] of cades.entries()) {
      const result = checks.vfychain(signature.der);
      t.match(result.stdout + result.stderr, /Chain is good/, `signature ${index + 1}: ${result.stdout}${result.stderr}`);
    }
  });

  t.test(`${label}: openssl cms -verify accepts each extracted CMS over its byte ranges; openssl ts -verify its signature timestamp`, needs('openssl'), async (t) => {
    t.equal(cades.length, expected.signatures);
    for (const [index, signature] of cades.entries()) {
      const result = checks.cmsVerify(signature);
      t.match(result.stderr, /Verification successful/, `signature ${index + 1}: ${result.stderr}`);
      // The signature timestamp covers the SignerInfo signature value.
      const ts = checks.signatureTimestampVerify(signature);
      t.ok(ts.hasToken, `signature ${index + 1} carries a signature timestamp`);
      t.match(ts.stdout, /Verification: OK/, ts.stderr);
    }
  });

  t.test(`${label}: openssl ts -verify accepts each document timestamp over its byte ranges`, needs('openssl'), async (t) => {
    t.equal(stamps.length, expected.documentTimestamps);
    for (const stamp of stamps) {
      const ts = checks.tsVerify(stamp.der, stamp.content);
      t.match(ts.stdout, /Verification: OK/, ts.stderr);
    }
  });
}
