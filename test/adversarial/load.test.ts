/**
 * `npm run load`'s code, small and seeded: a few workers sign, log in to the portal and download
 * through HTTP against the deployed service process while an employer reads. Correctness only
 * (every answer as expected, every contract signed and downloaded intact), never timing.
 */
import t from 'tap';
import { runLoad } from '../../scripts/load/run.ts';
import { createTestPlatform } from '../helpers/platform.ts';
import { startServiceProcess } from '../helpers/service-process.ts';

const test = await createTestPlatform(t);
const service = await startServiceProcess(t, test, { TRUST_PROXY: '127.0.0.1' });

t.test('four workers sign and use the portal with no unexpected answer', async (t) => {
  const result = await runLoad({ baseUrl: service.url, adminToken: test.adminToken, workers: 4, durationMs: 2000, seed: 19, thinkMs: 200, servicePid: service.child.pid! });
  t.same(result.errors, [], `no unexpected answer${result.errors.length ? `; the service logged: ${service.stderr().slice(-4000)}` : ''}`);
  t.equal(result.signed, 4, 'every contract signed');
  t.equal(result.portalLogins, 4, 'every worker logged in');
  t.ok(result.downloads >= 4, `every worker downloaded its signed contract (${result.downloads} downloads)`);
  t.ok(result.employerReads >= 1, 'the employer read meanwhile');
  t.ok(service.alive(), service.stderr());
});
