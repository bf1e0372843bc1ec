/**
 * The verdict a worker-signed contract must get from our verifier: every signature passes,
 * the employer's certification seal included (every signature field exists before the
 * certification, so later signers only fill theirs: what pyHanko's default policy accepts;
 * test/http/tamper-corpus.test.ts compares with pyHanko itself).
 */
import type { Test } from 'tap';

interface Verdict {
  valid: boolean;
  signatures: { fieldName: string; valid: boolean; subIndication?: string; disallowedChanges?: string[] }[];
}

export function expectSignedContractVerdict(t: Test, report: Verdict, label = 'the contract'): void {
  t.ok(report.signatures.length >= 2, `${label}: has the employer's seal and a later signature`);
  for (const signature of report.signatures) {
    t.equal(signature.valid, true, `${label}: ${signature.fieldName} verifies${signature.valid ? '' : ` (${signature.subIndication}: ${(signature.disallowedChanges ?? []).join('; ')})`}`);
  }
  t.equal(report.valid, true, `${label}: the document verifies`);
}
