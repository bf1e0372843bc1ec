/** The document security store (/DSS, PAdES B-LT): certificates, OCSP responses and CRLs as parsed values. */
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFName, PDFRef, type PDFDict, type PDFDocument, type PDFObject } from 'pdf-lib';
import { type ParsedCertificate } from '../pki/certificate.ts';
import { parseCrl, type ParsedCrl } from '../pki/crl.ts';
import { parseOcspResponse, type ParsedOcspResponse } from '../revocation/ocsp.ts';
import { certificateOf } from '../pki/memo.ts';
import { dictAt } from './byte-range.ts';

/** The array an object is or refers to, else undefined (a damaged /DSS covers nothing). */
function arrayAt(doc: PDFDocument, object: PDFObject | undefined): PDFArray | undefined {
  const found = object instanceof PDFRef ? doc.context.lookup(object) : object;
  return found instanceof PDFArray ? found : undefined;
}

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
  const dss = dictAt(doc, dictAt(doc, doc.context.trailerInfo.Root)?.get(PDFName.of('DSS')));
  if (!dss) return emptyDss;
  const parsed = <T>(key: string, parse: (der: Uint8Array) => T): T[] =>
    (arrayAt(doc, dss.get(PDFName.of(key)))?.asArray() ?? []).flatMap((ref) => {
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
