/**
 * Long-term validation: a /DSS revision with the certificates and revocation data of every
 * chain (PAdES B-LT), then a document timestamp over the whole file (B-LTA), so the contract
 * can be validated after certificates expire or the platform's responders are gone.
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef } from 'pdf-lib';
import type { TimestampClient } from '../types.ts';
import { PdfUpdate } from './incremental.ts';
import { embedSignature, prepareSignature, signedBytes } from './signature.ts';

export interface ValidationMaterial {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
}

/** The raw /Contents of every signature dictionary in the document (for VRI keys). */
export async function signatureContents(pdf: Uint8Array): Promise<Uint8Array[]> {
  const update = await PdfUpdate.open(pdf);
  const contents: Uint8Array[] = [];
  for (const [, object] of update.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const type = object.get(PDFName.of('Type'));
    if (type !== PDFName.of('Sig') && type !== PDFName.of('DocTimeStamp')) continue;
    const value = object.get(PDFName.of('Contents'));
    if (value instanceof PDFHexString) contents.push(value.asBytes());
  }
  return contents;
}

function unique(items: Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const item of items) seen.set(createHash('sha256').update(item).digest('hex'), item);
  return [...seen.values()];
}

/** Appends a /DSS revision (merging with an existing DSS) and VRI entries for the given signatures. */
export async function addDss(pdf: Uint8Array, material: ValidationMaterial, vriFor: Uint8Array[] = []): Promise<Uint8Array> {
  const update = await PdfUpdate.open(pdf);
  const { context } = update;
  const { dict: dss } = update.ownDict(update.catalog, update.catalogRef, 'DSS');
  dss.set(PDFName.of('Type'), PDFName.of('DSS'));

  const streamsFor = (items: Uint8Array[]) => unique(items).map((der) => update.add(context.flateStream(der)));
  const appendTo = (key: string, refs: PDFRef[]) => {
    if (!refs.length) return;
    const existing = dss.get(PDFName.of(key));
    const array = existing instanceof PDFArray ? existing : existing instanceof PDFRef ? context.lookup(existing, PDFArray) : context.obj([]);
    if (existing instanceof PDFRef) update.touch(existing);
    for (const ref of refs) array.push(ref);
    dss.set(PDFName.of(key), existing instanceof PDFRef ? existing : array);
  };
  const certs = streamsFor(material.certs);
  const ocsps = streamsFor(material.ocsps);
  const crls = streamsFor(material.crls);
  appendTo('Certs', certs);
  appendTo('OCSPs', ocsps);
  appendTo('CRLs', crls);

  if (vriFor.length) {
    const existing = dss.get(PDFName.of('VRI'));
    const vri = existing instanceof PDFDict ? existing : existing instanceof PDFRef ? context.lookup(existing, PDFDict) : context.obj({});
    if (existing instanceof PDFRef) update.touch(existing);
    for (const contents of vriFor) {
      const key = createHash('sha1').update(contents).digest('hex').toUpperCase();
      const entry = context.obj({});
      if (certs.length) entry.set(PDFName.of('Cert'), context.obj(certs));
      if (ocsps.length) entry.set(PDFName.of('OCSP'), context.obj(ocsps));
      if (crls.length) entry.set(PDFName.of('CRL'), context.obj(crls));
      vri.set(PDFName.of(key), entry);
    }
    if (!(existing instanceof PDFRef)) dss.set(PDFName.of('VRI'), vri);
  }
  return update.serialize();
}

/** Room reserved for a document timestamp token before its actual size is known. */
const initialTokenBytes = 12 * 1024;
/** Slack above a measured token size: a new token's serial, time and signature vary in length. */
const tokenMarginBytes = 2048;

/**
 * Appends a document timestamp (/SubFilter /ETSI.RFC3161) over the whole file so far. A token
 * larger than the reserved space (an external TSA embedding a long chain) is not an error: the
 * revision is prepared again with room for the measured size plus a margin and stamped once
 * more, until a token fits.
 */
export async function addDocumentTimestamp(pdf: Uint8Array, tsa: TimestampClient, fieldName = `DocTimeStamp-${Date.now()}`): Promise<Uint8Array> {
  let placeholderBytes = initialTokenBytes;
  for (let attempt = 0; attempt < 4; attempt++) {
    const prepared = await prepareSignature(pdf, { fieldName, subFilter: 'ETSI.RFC3161', signingTime: new Date(), placeholderBytes });
    const token = await tsa.timestamp(signedBytes(prepared));
    if (token.length * 2 <= prepared.contentsHexLength) return embedSignature(prepared, token);
    placeholderBytes = Math.max(placeholderBytes, token.length) + tokenMarginBytes * (attempt + 1);
  }
  throw new Error('document timestamp: the TSA keeps returning tokens larger than the space reserved for them');
}
