/**
 * PAdES levels from what the document itself holds: B-T with a valid signature timestamp;
 * B-LT when the /DSS alone (its certificates and revocation data, no platform lookups) lets
 * the signer's and the signature TSA's paths validate; B-LTA when a valid document timestamp
 * after the signature covers a DSS that does so.
 */
import { buildAndValidate, sameCertificate, type PathResult, type Purpose } from '../pki/path-validation.ts';
import type { ParsedCertificate } from '../pki/certificate.ts';
import type { DssMaterial } from './dss.ts';
import { documentRevocation } from './revocation.ts';
import type { PadesLevel } from './report.ts';

export interface LtvTarget {
  certificate: ParsedCertificate;
  purpose: Purpose;
  /** Validity is checked at this time … */
  time: Date;
  /** … and revocation must speak for this one. */
  revocationTime: Date;
}

const noLookups = new Map();
const checkers = new WeakMap<DssMaterial, ReturnType<typeof documentRevocation>>();

/**
 * What `material` lacks to validate every target's path on its own: each certificate below
 * the anchor must be in its /Certs and have revocation data there (no platform lookups).
 */
export function dssGaps(material: DssMaterial, targets: LtvTarget[], anchors: ParsedCertificate[], pool: ParsedCertificate[]): string[] {
  if (!material.present) return ['no /DSS'];
  let revocation = checkers.get(material);
  if (!revocation) checkers.set(material, (revocation = documentRevocation(material, noLookups)));
  const gaps: string[] = [];
  for (const target of targets) {
    const result: PathResult = buildAndValidate(target.certificate, target.purpose, { anchors, pool, time: target.time, revocationTime: target.revocationTime, revocation });
    for (const certificate of result.path) if (!material.certs.some((d) => sameCertificate(certificate, d))) gaps.push(`${certificate.subjectText}: certificate not in the DSS`);
    if (!result.ok) gaps.push(result.failure === 'TRY_LATER' ? `${result.failedCertificate?.subjectText}: no verified revocation data in the DSS` : result.problem);
  }
  return gaps;
}

export interface LevelInputs {
  timestampValid: boolean;
  targets: LtvTarget[];
  /** The file's current DSS. */
  dss: DssMaterial;
  /** DSS as covered by each valid document timestamp after the signature. */
  archived: () => Promise<DssMaterial[]>;
  anchors: ParsedCertificate[];
  pool: ParsedCertificate[];
}

export async function padesLevel(inputs: LevelInputs): Promise<{ level: PadesLevel; gaps: string[] }> {
  if (!inputs.timestampValid) return { level: 'B-B', gaps: [] };
  const gaps = dssGaps(inputs.dss, inputs.targets, inputs.anchors, inputs.pool);
  if (gaps.length) return { level: 'B-T', gaps: inputs.dss.present ? gaps.map((gap) => `not B-LT: ${gap}`) : [] };
  for (const material of await inputs.archived()) if (!dssGaps(material, inputs.targets, inputs.anchors, inputs.pool).length) return { level: 'B-LTA', gaps: [] };
  return { level: 'B-LT', gaps: [] };
}
