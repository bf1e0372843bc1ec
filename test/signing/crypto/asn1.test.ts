import t from 'tap';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { encode, generalizedTime, int, parseDer, setOf, octets, utf8, x509Time, Tag } from '../../../src/signing/asn1/der.ts';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../../src/signing/asn1/ecdsa.ts';
import { decodeName, encodeName, nameToString } from '../../../src/signing/asn1/names.ts';

t.test('ECDSA raw ⇄ DER matches node:crypto both ways', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  for (let i = 0; i < 200; i++) {
    const data = Buffer.from(`message ${i}`);
    const der = sign('sha256', data, privateKey);
    const raw = ecdsaDerToRaw(der);
    t.equal(raw.length, 64);
    t.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
    t.same(Buffer.from(ecdsaRawToDer(raw)), der, 'round trip is byte-identical');
  }
  // Leading zero and high-bit components are encoded minimally and positively.
  const raw = new Uint8Array(64);
  raw[31] = 1;
  raw[32] = 0x80;
  const der = ecdsaRawToDer(raw);
  t.same([...der], [0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0x80, ...new Array(31).fill(0)]);
  t.same(ecdsaDerToRaw(der), raw);
  t.throws(() => ecdsaRawToDer(new Uint8Array(63)));
});

t.test('DER basics', async (t) => {
  t.same([...encode(int(0))], [2, 1, 0]);
  t.same([...encode(int(128))], [2, 2, 0, 128]);
  t.same([...encode(int(new Uint8Array([0, 0, 5])))], [2, 1, 5]);
  t.equal(parseDer(encode(int(2n ** 100n))).bigint(), 2n ** 100n);
  const set = parseDer(encode(setOf(octets(new Uint8Array([2])), utf8('a'), octets(new Uint8Array([1]))))).expect(Tag.set);
  t.same(
    set.children().map((c) => c.tag),
    [Tag.octetString, Tag.octetString, Tag.utf8String],
    'SET OF sorted by encoding',
  );
  t.equal(
    Buffer.from(encode(generalizedTime(new Date('2026-01-02T03:04:05.120Z'), true)))
      .subarray(2)
      .toString(),
    '20260102030405.12Z',
  );
  t.equal(
    Buffer.from(encode(generalizedTime(new Date('2026-01-02T03:04:05.000Z'), true)))
      .subarray(2)
      .toString(),
    '20260102030405Z',
  );
  t.equal(encode(x509Time(new Date('2049-12-31T00:00:00Z')))[0], Tag.utcTime);
  t.equal(encode(x509Time(new Date('2050-01-01T00:00:00Z')))[0], Tag.generalizedTime);
  t.equal(
    parseDer(encode(x509Time(new Date('2051-06-01T00:00:00Z'))))
      .time()
      .toISOString(),
    '2051-06-01T00:00:00.000Z',
  );
  t.throws(() => parseDer(new Uint8Array([0x30, 0x80, 0, 0])), /indefinite/);
  t.throws(() => parseDer(new Uint8Array([0x30, 0x05, 0])), /runs past/);
});

t.test('names keep Chinese as UTF8String', async (t) => {
  const der = encodeName([
    { type: 'C', value: 'CN' },
    { type: 'O', value: '广州某某劳务派遣有限公司' },
    { type: 'serialNumber', value: 'ABC-123' },
  ]);
  t.equal(nameToString(der), 'C=CN, O=广州某某劳务派遣有限公司, serialNumber=ABC-123');
  const rdns = parseDer(der)
    .children()
    .map((rdn) => rdn.at(0).at(1).tag);
  t.same(rdns, [Tag.printableString, Tag.utf8String, Tag.printableString]);
  t.equal(decodeName(der)[1]?.type, 'O');
});
