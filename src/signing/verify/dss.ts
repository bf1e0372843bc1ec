/** The document security store (/DSS, PAdES B-LT): certificates, OCSP responses and CRLs as parsed values. */
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, type PDFDocument } from 'pdf-lib';
import { type ParsedCertificate } from '../pki/certificate.ts';
import { parseCrl, type ParsedCrl } from '../pki/crl.ts';
import { parseOcspResponse, type ParsedOcspResponse } from '../revocation/ocsp.ts';
import { certificateOf } from '../pki/memo.ts';

export interface DssMaterial {
  certs: ParsedCertificate[];
  ocsps: ParsedOcspResponse[];
  crls: ParsedCrl[];
  present: boolean;
}

export const emptyDss: DssMaterial = { certs: [], ocsps: [], crls: [], present: false };

function decodeStream(stream: { getContents(): Uint8Array; dict: PDFDict }): Uint8Array {
  const contents = stream.getContents();
  return stream.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') ? new Uint8Array(inflateSync(contents)) : contents;
}

const read = new WeakMap<PDFDocument, DssMaterial>();

/** The /DSS of `doc`; entries that do not parse are left out (and so cover nothing). */
export function readDss(doc: PDFDocument): DssMaterial {
  let material = read.get(doc);
  if (!material) read.set(doc, (material = parseDss(doc)));
  return material;
}

function parseDss(doc: PDFDocument): DssMaterial {
  const dss = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  if (!dss) return emptyDss;
  const parsed = <T>(key: string, parse: (der: Uint8Array) => T): T[] =>
    (dss.lookupMaybe(PDFName.of(key), PDFArray)?.asArray() ?? []).flatMap((ref) => {
      const stream = doc.context.lookup(ref);
      if (!stream || !('getContents' in stream)) return [];
      try {
        return [parse(decodeStream(stream as never))];
      } catch {
        return [];
      }
    });
  return { certs: parsed('Certs', certificateOf), ocsps: parsed('OCSPs', parseOcspResponse), crls: parsed('CRLs', parseCrl), present: true };
}
