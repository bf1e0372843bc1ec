/**
 * The verdict a worker-signed contract must get from our verifier. Every signature after the
 * employer's seal must pass. The seal passes once every signature field exists before the
 * certification; while the worker's revision still creates its field afterwards (DocMDP P=2),
 * the seal is refused for that reason and no other, as pyHanko's default policy refuses it
 * (test/http/tamper-corpus.test.ts compares with pyHanko itself).
 */
import type { Test } from 'tap';

interface Verdict {
  valid: boolean;
  signatures: { fieldName: string; valid: boolean; subIndication?: string; disallowedChanges?: string[] }[];
}

export function expectSignedContractVerdict(t: Test, report: Verdict, label = 'the contract'): void {
  const [seal, ...later] = report.signatures;
  t.ok(seal, `${label}: has the employer's seal`);
  for (const signature of later) t.equal(signature.valid, true, `${label}: ${signature.fieldName} verifies`);
  if (seal && !seal.valid) {
    t.equal(seal.subIndication, 'DISALLOWED_MODIFICATION', `${label}: the seal is refused only for the later changes`);
    if (seal.disallowedChanges) {
      t.ok(seal.disallowedChanges.length > 0 && seal.disallowedChanges.every((c) => /new visible signature field was created after the certification signature/.test(c)), `${label}: namely the field created after the certification: ${seal.disallowedChanges.join('; ')}`);
    }
  }
  t.equal(report.valid, later.every((s) => s.valid) && !!seal?.valid, `${label}: the document verdict follows the signatures`);
}
