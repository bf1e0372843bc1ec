/**
 * The synthetic province at scale (issue 24 items 1 and 6): seeding time for BENCH_PROVINCE_WORKERS
 * workers (default 1,000,000) and BENCH_PROVINCE_EMPLOYERS employers (default 50,000) into an
 * empty embedded PostgreSQL, then the per-request supervision report (src/services/supervision.ts)
 * over the seeded data: the largest employer, and a random sample from which the duration of
 * today's daily run (every employer in turn) is extrapolated; and the set-based figures
 * (src/services/supervision-figures.ts), full and for 1 % of the employers.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { startPlatform } from '../../src/runtime.ts';
import { SupervisionFigures } from '../../src/services/supervision-figures.ts';
import { rng } from '../seed/province-plan.ts';
import { seedProvince } from '../seed/province-writer.ts';

export const title = 'Synthetic province: seeding, set-based figures and per-request supervision';

const workers = Number(process.env.BENCH_PROVINCE_WORKERS ?? 1_000_000);
const employers = Number(process.env.BENCH_PROVINCE_EMPLOYERS ?? 50_000);
const sampleSize = Number(process.env.BENCH_PROVINCE_SAMPLE ?? 300);
const asOf = '2026-11-30';
/** Embedded PostgreSQL port; S3 takes the next one. */
const port = Number(process.env.BENCH_PROVINCE_PORT ?? 55511);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function run(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-province-'));
  await chmod(dataDir, 0o755);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  try {
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), EMBEDDED_S3_PORT: String(port + 1), MASTER_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: `bench-${randomBytes(12).toString('hex')}` });
    const platform = await startPlatform(config);
    try {
      const seeded = await seedProvince({ db: platform.db, crypto: platform.fieldCrypto, templates: platform.templates }, { employers, workers, seed: 1, asOf }, (line) => console.log(`  ${line}`));
      const seedRss = peakRss;
      const [{ size } = { size: 0n }] = await platform.db.$queryRawUnsafe<{ size: bigint }[]>('select pg_database_size(current_database()) as size');
      const { counts } = seeded;
      const rows = counts.organisations + counts.workers + counts.roster + counts.contracts + counts.auditEvents;

      // Set-based figures (item 2, in part): every employer, then 1 % of them as after a day's changes.
      const figures = new SupervisionFigures({ db: platform.db });
      const full = await figures.run(asOf);
      const changed = seeded.organisationIds.filter((_, i) => i % 100 === 7);
      const incremental = await figures.run(asOf, changed);

      const timeReport = async (index: number) => {
        const organisation = await platform.db.organisation.findUniqueOrThrow({ where: { id: seeded.organisationIds[index]! } });
        const started = performance.now();
        await platform.supervision.report(organisation, asOf);
        return performance.now() - started;
      };
      const bySize = [...seeded.employers].sort((a, b) => b.size - a.size);
      const largest = bySize[0]!;
      const largestMs = await timeReport(largest.index);
      // The giants alone, then a random sample of the rest, scaled to their number.
      const giants = bySize.filter((e) => e.size >= 10_000);
      let giantsMs = 0;
      for (const e of giants) giantsMs += e === largest ? largestMs : await timeReport(e.index);
      const others = seeded.employers.filter((e) => e.size < 10_000);
      const r = rng(99);
      const sample = Array.from({ length: Math.min(sampleSize, others.length) }, () => others[Math.floor(r() * others.length)]!);
      const times: number[] = [];
      for (const e of sample) times.push(await timeReport(e.index));
      const sorted = [...times].sort((a, b) => a - b);
      const estimateS = (giantsMs + (times.reduce((a, b) => a + b, 0) / times.length) * others.length) / 1000;
      const median = bySize[Math.floor(bySize.length / 2)]!;
      return [
        `${employers.toLocaleString('en')} employers, ${workers.toLocaleString('en')} workers, seed 1, as of ${asOf}, into an empty embedded PostgreSQL 17 (default settings) on the same machine. The machine is shared (other jobs were running), so figures are upper bounds.`,
        '',
        `| measure | value |`,
        `|---|---|`,
        `| seeding (\`npm run seed:province\`) | ${seeded.seconds.toFixed(0)} s (${Math.round(rows / seeded.seconds).toLocaleString('en')} rows/s) |`,
        `| rows | ${counts.organisations.toLocaleString('en')} organisations, ${counts.workers.toLocaleString('en')} workers, ${counts.roster.toLocaleString('en')} roster lines, ${counts.contracts.toLocaleString('en')} contracts, ${counts.auditEvents.toLocaleString('en')} delivery events |`,
        `| employer sizes | largest ${largest.size.toLocaleString('en')}, ${giants.length} with ≥ 10,000, median ${median.size}, ${seeded.employers.filter((e) => e.size < 20).length.toLocaleString('en')} under 20 |`,
        `| database size after seeding | ${mib(Number(size))} |`,
        `| peak RSS of the seeding process | ${mib(seedRss)} |`,
        `| signing figures of every employer, county, city and province in SQL (\`SupervisionFigures.run\`) | ${full.seconds.toFixed(1)} s |`,
        `| the same for 1 % of the employers (${changed.length.toLocaleString('en')}) and every region | ${incremental.seconds.toFixed(1)} s |`,
        `| supervision report, largest employer (${largest.size.toLocaleString('en')} workers) | ${(largestMs / 1000).toFixed(1)} s |`,
        `| supervision report, ${sample.length} random employers under 10,000 workers | p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p95 ${quantile(sorted, 0.95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms |`,
        `| today's daily run (every employer's report in turn), extrapolated | ≈ ${(estimateS / 60).toFixed(0)} min (giants measured: ${(giantsMs / 1000).toFixed(0)} s; the rest from the sample) |`,
        `| peak RSS overall | ${mib(peakRss)} |`,
        '',
        'Personal data is encrypted and blind-indexed through the platform’s own functions, so the seeding cost includes AES-GCM and HMAC for every worker and contract. ' +
          'The per-request report loads an employer’s roster and contracts and decrypts every contract’s fields; the daily run does that for every employer, one after another, ' +
          'which is what issue 24 item 2 (set-based, stored supervision) is to replace.',
      ].join('\n');
    } finally {
      await platform.close();
    }
  } finally {
    clearInterval(sampler);
    await rm(dataDir, { recursive: true, force: true });
  }
}
