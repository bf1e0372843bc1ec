/**
 * pyHanko (../shared/tools/pyhanko, MIT) as an independent oracle: the strictest open PAdES
 * validator (diff analysis after certification, AdES, revocation). `.ci/run` installs it into
 * `.venv-pyhanko`; elsewhere `PYHANKO_VENV` may name another installation. Where it is absent the
 * tests that need it skip with a message, except when `LABORSIGN_REQUIRE_ORACLES=1` (set by
 * .ci/run): then a missing oracle fails the test instead of hiding it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './tools.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const venv = process.env.PYHANKO_VENV ?? path.join(repoRoot, '.venv-pyhanko');
const python = path.join(venv, 'bin', 'python');
const script = path.join(import.meta.dirname, 'pyhanko_check.py');

export const pyhankoRequired = process.env.LABORSIGN_REQUIRE_ORACLES === '1';

export function hasPyhanko(): boolean {
  return existsSync(python) && existsSync(path.join(venv, 'bin', 'pyhanko'));
}

/**
 * tap subtest options: skip with a message where pyHanko is not installed. Under
 * LABORSIGN_REQUIRE_ORACLES=1 it never skips, so the test fails on the missing tool.
 */
export function needsPyhanko(): { skip?: string } {
  if (hasPyhanko() || pyhankoRequired) return {};
  return { skip: `needs pyHanko in ${venv} (../shared/tools/pyhanko/install.sh ${venv}, or set PYHANKO_VENV)` };
}

/** pyHanko's verdict on one embedded signature or document timestamp. */
export interface PyhankoSignature {
  field: string;
  /** `/Sig` or `/DocTimeStamp` */
  type: string;
  intact?: boolean;
  valid?: boolean;
  trusted?: boolean;
  bottom_line: boolean;
  /** NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS or OTHER */
  modification_level?: string | null;
  docmdp_ok?: boolean | null;
  coverage?: string | null;
  has_timestamp?: boolean;
  timestamp?: string;
  error?: string;
  /** With `adesLta`: pyHanko's AdES-LTA validation (ETSI EN 319 102-1 5.6.3), offline, revocation data required. */
  ades?: { status: 'PASSED' | 'INDETERMINATE' | 'FAILED' | 'ERROR'; subindication?: string; failure?: string | null; evidence_record_time?: string | null };
}

export interface PyhankoReport {
  signatures: PyhankoSignature[];
  /** Set when pyHanko could not read the file at all. */
  error?: string;
}

export type RevocationMode = 'soft-fail' | 'hard-fail' | 'require';

/**
 * Validates every signature of `pdf` trusting only `rootPem`, offline (no fetching: revocation
 * data can come only from the file). `adesLta` adds pyHanko's AdES-LTA verdict per signature.
 * Throws when pyHanko itself fails to run.
 */
export function pyhankoValidate(pdf: Uint8Array, rootPem: string, revocation: RevocationMode = 'soft-fail', options: { adesLta?: boolean } = {}): PyhankoReport {
  if (!hasPyhanko()) throw new Error(`pyHanko is not installed in ${venv}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'laborsign-pyhanko-'));
  try {
    const pdfPath = path.join(dir, 'doc.pdf');
    const rootPath = path.join(dir, 'root.pem');
    writeFileSync(pdfPath, pdf);
    writeFileSync(rootPath, rootPem);
    const res = run(python, [script, pdfPath, rootPath, '--revocation', revocation, ...(options.adesLta ? ['--ades-lta'] : [])]);
    if (res.status !== 0) throw new Error(`pyHanko failed (${res.status}): ${res.stderr.slice(-2000)}`);
    return JSON.parse(res.stdout) as PyhankoReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The modification levels a valid signature may show under pyHanko's default policy. */
export const acceptableModificationLevels = new Set(['NONE', 'FORM_FILLING', 'LTA_UPDATES']);
