/**
 * X.500 distinguished names. Text attributes are UTF8String so Chinese names survive;
 * countryName is PrintableString as X.520 requires.
 */
import { encode, oid, parseDer, printable, seq, setOf, Tag, utf8 } from './der.ts';
import { oids } from './oids.ts';

export type NameAttributeType = 'C' | 'ST' | 'L' | 'O' | 'OU' | 'CN' | 'serialNumber' | 'organizationIdentifier';

export interface NameAttribute {
  type: NameAttributeType;
  value: string;
}

const attributeOids: Record<NameAttributeType, string> = {
  C: oids.countryName,
  ST: oids.stateOrProvinceName,
  L: oids.localityName,
  O: oids.organizationName,
  OU: oids.organizationalUnitName,
  CN: oids.commonName,
  serialNumber: oids.serialNumber,
  organizationIdentifier: oids.organizationIdentifier,
};
const attributeTypes = new Map(Object.entries(attributeOids).map(([k, v]) => [v, k as NameAttributeType]));

const printableOnly = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** DER of a Name: one attribute per RDN, in the given order. */
export function encodeName(attributes: NameAttribute[]): Uint8Array {
  return encode(
    seq(
      ...attributes.map(({ type, value }) => {
        // serialNumber is PrintableString by X.520; values outside that alphabet stay UTF8String.
        const usePrintable = type === 'C' || (type === 'serialNumber' && printableOnly.test(value));
        return setOf(seq(oid(attributeOids[type]), usePrintable ? printable(value) : utf8(value)));
      }),
    ),
  );
}

export interface ParsedNameAttribute {
  oid: string;
  type?: NameAttributeType;
  value: string;
}

export function decodeName(der: Uint8Array): ParsedNameAttribute[] {
  const result: ParsedNameAttribute[] = [];
  for (const rdn of parseDer(der).expect(Tag.sequence).children()) {
    for (const atv of rdn.children()) {
      const attributeOid = atv.at(0).oid();
      result.push({ oid: attributeOid, type: attributeTypes.get(attributeOid), value: atv.at(1).text() });
    }
  }
  return result;
}

/** Readable one-line form, e.g. `C=CN, O=某公司, CN=某公司`. */
export function nameToString(der: Uint8Array): string {
  return decodeName(der)
    .map((a) => `${a.type ?? a.oid}=${a.value}`)
    .join(', ');
}

/** First value of an attribute type in a name, if present. */
export function nameAttribute(der: Uint8Array, type: NameAttributeType): string | undefined {
  return decodeName(der).find((a) => a.type === type)?.value;
}

const stringTags = new Set<number>([Tag.utf8String, Tag.printableString, Tag.t61String, Tag.ia5String, Tag.bmpString, 0x1c /* UniversalString */]);

/**
 * A name in the comparison form of RFC 5280 §7.1 (RFC 4518 simplified): one entry per RDN, in
 * order, each the sorted attribute list with string values case-folded and inner whitespace
 * collapsed, so `O=Test  CA` issued under PrintableString matches `o=test ca` in UTF8String.
 */
export function canonicalName(der: Uint8Array): string {
  return parseDer(der)
    .expect(Tag.sequence)
    .children()
    .map((rdn) => canonicalRdn(rdn.bytes))
    .join('/');
}

/** One RelativeDistinguishedName (a SET of attributes) in comparison form. */
export function canonicalRdn(der: Uint8Array): string {
  return parseDer(der)
    .children()
    .map((atv) => {
      const value = atv.at(1);
      const text = stringTags.has(value.tag) ? 's:' + value.text().normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase() : 'x:' + Buffer.from(value.bytes).toString('hex');
      return `${atv.at(0).oid()}=${text}`;
    })
    .sort()
    .join('+');
}
