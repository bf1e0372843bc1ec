/**
 * Resident ID numbers and phone numbers never reach the log: lookups by ID number are POST
 * bodies, and any URL that still holds one (or a phone number) is logged masked.
 */
import t from 'tap';
import { buildApp } from '../../src/http/app.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { maskPersonalNumbers } from '../../src/security/redact.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { platform, adminToken } = await createTestPlatform(t);
const lines: string[] = [];
const app = await buildApp(platform, { logLevel: 'info', logStream: { write: (line: string) => void lines.push(line) } });
t.teardown(() => app.close());

const idNumber = '14080219880512123' + residentIdCheckCharacter('14080219880512123');
const phone = '13900000071';

t.test('masking keeps the region and the last characters, nothing in between', async (t) => {
  t.equal(maskPersonalNumbers(`/x?idNumber=${idNumber}&phone=${phone}`), '/x?idNumber=140802************&phone=139****0071');
  t.equal(maskPersonalNumbers('order 202612050000000001234'), 'order 202612050000000001234', 'longer digit runs are no ID number');
});

t.test('no ID number or phone in the log, whatever the request carries', async (t) => {
  const official = (await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: bearer(adminToken), payload: { name: '监察员', role: 'inspection', regionCode: '1408' } })).json();
  const lookup = await app.inject({ method: 'POST', url: '/api/v1/government/workers/contracts', headers: bearer(official.apiKey), payload: { idNumber, purpose: '核查' } });
  t.equal(lookup.statusCode, 200, lookup.body);
  // An old-style URL with the number in its query: refused, and logged masked.
  await app.inject({ method: 'GET', url: `/api/v1/government/workers/contracts?idNumber=${idNumber}&purpose=x`, headers: bearer(official.apiKey) });
  await app.inject({ method: 'GET', url: `/api/v1/signing/${idNumber}?phone=${phone}` });
  await app.inject({ method: 'POST', url: '/api/v1/portal/code', payload: { phone } });
  const log = lines.join('');
  t.ok(lines.length >= 8, `${lines.length} log lines`);
  t.notOk(log.includes(idNumber), 'no ID number');
  t.notOk(log.includes(idNumber.slice(6, 14)), 'not even the birth date');
  t.notOk(log.includes(phone), 'no phone number');
  t.notOk(log.includes(official.apiKey), 'no API key');
  t.match(log, /idNumber=140802\*{12}/, 'the masked form is there');
});
