/**
 * `npm run seed:province -- --employers 50000 --workers 1000000 --seed 1 [--as-of 2026-12-06]`:
 * fills an empty LaborSign database with a synthetic Shanxi (scripts/seed/province-plan.ts):
 * employers in every county, a few giants and many micro firms, signed, unsigned, expiring,
 * expired and terminated contracts, dispatch, part-time work and layoffs. The same seed and day
 * give the same province. It uses the configuration `npm start` uses (DATABASE_URL and
 * MASTER_KEY, or the embedded database under DATA_DIR), so the service reads what was seeded.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { todayInShanghai } from '../src/domain/calendar.ts';
import { startPlatform } from '../src/runtime.ts';
import { seedProvince } from './seed/province-writer.ts';

const { values } = parseArgs({
  options: { employers: { type: 'string', default: '200' }, workers: { type: 'string', default: '5000' }, seed: { type: 'string', default: '1' }, 'as-of': { type: 'string' } },
});
const employers = Number(values.employers);
const workers = Number(values.workers);
const seed = Number(values.seed);
const asOf = values['as-of'] ?? todayInShanghai();
if (![employers, workers, seed].every((n) => Number.isInteger(n) && n > 0) || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
  console.error('usage: npm run seed:province -- --employers N --workers M [--seed S] [--as-of YYYY-MM-DD] (positive integers)');
  process.exit(2);
}

const platform = await startPlatform(loadConfig());
try {
  const result = await seedProvince({ db: platform.db, crypto: platform.fieldCrypto, templates: platform.templates }, { employers, workers, seed, asOf }, (line) => console.log(line));
  const { counts } = result;
  console.log(
    `seeded ${counts.organisations} organisations, ${counts.workers} workers, ${counts.roster} roster lines, ${counts.contracts} contracts, ${counts.auditEvents} delivery events as of ${asOf} in ${result.seconds.toFixed(1)} s`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await platform.close();
}
