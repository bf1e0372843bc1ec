/**
 * The synthetic province at scale (issue 24 items 1 and 6): seeding time for BENCH_PROVINCE_WORKERS
 * workers (default 1,000,000) and BENCH_PROVINCE_EMPLOYERS employers (default 50,000) into an
 * empty embedded PostgreSQL, then the per-request supervision report (src/services/supervision.ts)
 * over the seeded data (the largest employer up to BENCH_PROVINCE_REPORT_MAX workers, and a
 * random sample of the smaller ones); and the set-based figures
 * (src/services/supervision-figures.ts), full and for 1 % of the employers; then the latency of
 * the officials' overview read from them (src/services/supervision-overview.ts): the province, a
 * random city and county, a random employer's alert list and ranked pages with random regions and
 * filters, as a province inspector calls them (each call also writes its access log row).
 * BENCH_PROVINCE_REPORT_MAX=0 skips the per-request reports.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { startPlatform } from '../../src/runtime.ts';
import { industrySections, ownershipCodes, sizeClasses } from '../../src/domain/reference/organisation-profile.ts';
import type { Official } from '../../src/services/official-access.ts';
import { SupervisionFigures } from '../../src/services/supervision-figures.ts';
import { SupervisionOverview } from '../../src/services/supervision-overview.ts';
import { rng } from '../seed/province-plan.ts';
import { seedProvince } from '../seed/province-writer.ts';

export const title = 'Synthetic province: seeding, set-based figures and per-request supervision';

const workers = Number(process.env.BENCH_PROVINCE_WORKERS ?? 1_000_000);
const employers = Number(process.env.BENCH_PROVINCE_EMPLOYERS ?? 50_000);
const sampleSize = Number(process.env.BENCH_PROVINCE_SAMPLE ?? 300);
const reportLimit = Number(process.env.BENCH_PROVINCE_REPORT_MAX ?? 10_000);
const asOf = '2026-11-30';
/** Embedded PostgreSQL port; S3 takes the next one. */
const port = Number(process.env.BENCH_PROVINCE_PORT ?? 55511);

const latencyCalls = Number(process.env.BENCH_PROVINCE_CALLS ?? 200);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** p50 / p95 / max of `calls` timed calls of `call`, after one untimed call. */
async function latency(calls: number, call: (i: number) => Promise<unknown>): Promise<string> {
  await call(-1);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return `p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`;
}
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function run(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'laborsign-bench-province-'));
  await chmod(dataDir, 0o755);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(port),
      EMBEDDED_S3_PORT: String(port + 1),
      MASTER_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: `bench-${randomBytes(12).toString('hex')}`,
    });
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

      // The officials' overview over the stored run (item 6's latencies), as a province inspector.
      const overview = new SupervisionOverview({ db: platform.db });
      const { official: row } = await platform.organisations.createOfficial({ name: '省级监察（基准）', role: 'inspection', regionCode: '14' }, { kind: 'system' });
      const inspector: Official = { officialId: row.id, role: 'inspection', regionCode: '14' };
      const why = { purpose: '基准测试' };
      const regions = [...new Set(seeded.employers.map((e) => e.regionCode))];
      const pick = <T>(r: () => number, list: readonly T[]) => list[Math.floor(r() * list.length)]!;
      const lr = rng(7);
      const provinceMs = await latency(latencyCalls, () => overview.region(inspector, '14', asOf, why));
      const cityMs = await latency(latencyCalls, () => overview.region(inspector, pick(lr, regions).slice(0, 4), asOf, why));
      const countyMs = await latency(latencyCalls, () => overview.region(inspector, pick(lr, regions), asOf, why));
      const filterOf = () => {
        const choice = Math.floor(lr() * 4);
        return choice === 0
          ? {}
          : choice === 1
            ? { ownership: pick(lr, ownershipCodes) }
            : choice === 2
              ? { industry: pick(lr, industrySections) }
              : { sizeClass: pick(lr, sizeClasses), atRisk: true };
      };
      const firstPageMs = await latency(latencyCalls, () => overview.ranking(inspector, pick(lr, ['14', ...regions.map((c) => c.slice(0, 4)), ...regions]), asOf, filterOf(), { limit: 50 }, why));
      const province = await overview.ranking(inspector, '14', asOf, {}, { limit: 50 }, why);
      let next = province.next;
      const deepPageMs = await latency(latencyCalls, async () => {
        const page = await overview.ranking(inspector, '14', asOf, {}, { limit: 50, ...(next ? { after: next } : {}) }, why);
        next = page.next;
      });

      const timeReport = async (index: number) => {
        const organisation = await platform.db.organisation.findUniqueOrThrow({ where: { id: seeded.organisationIds[index]! } });
        const started = performance.now();
        await platform.supervision.report(organisation, asOf);
        return performance.now() - started;
      };
      // Employers above reportLimit are left out: at 100,000 workers one report did not end in 20 minutes (docs/BENCHMARKS.md).
      const bySize = [...seeded.employers].sort((a, b) => b.size - a.size);
      const reportable = bySize.filter((e) => e.size <= reportLimit);
      const largest = reportable[0];
      const largestMs = largest ? await timeReport(largest.index) : 0;
      const others = reportable.slice(1);
      const r = rng(99);
      if (reportLimit === 0) reportable.length = 0;
      const sample = Array.from({ length: Math.min(sampleSize, others.length) }, () => others[Math.floor(r() * others.length)]!);
      const times: number[] = [];
      for (const e of sample) times.push(await timeReport(e.index));
      const sorted = [...times].sort((a, b) => a - b);
      const median = bySize[Math.floor(bySize.length / 2)]!;
      return [
        `${employers.toLocaleString('en')} employers, ${workers.toLocaleString('en')} workers, seed 1, as of ${asOf}, into an empty embedded PostgreSQL 17 (default settings) on the same machine. The machine is shared (other jobs were running), so figures are upper bounds.`,
        '',
        `| measure | value |`,
        `|---|---|`,
        `| seeding (\`npm run seed:province\`) | ${seeded.seconds.toFixed(0)} s (${Math.round(rows / seeded.seconds).toLocaleString('en')} rows/s) |`,
        `| rows | ${counts.organisations.toLocaleString('en')} organisations, ${counts.workers.toLocaleString('en')} workers, ${counts.roster.toLocaleString('en')} roster lines, ${counts.contracts.toLocaleString('en')} contracts, ${counts.auditEvents.toLocaleString('en')} delivery events |`,
        `| employer sizes | largest ${bySize[0]!.size.toLocaleString('en')}, ${bySize.filter((e) => e.size >= 50_000).length} with ≥ 50,000, median ${median.size}, ${seeded.employers.filter((e) => e.size < 20).length.toLocaleString('en')} under 20 |`,
        `| database size after seeding | ${mib(Number(size))} |`,
        `| peak RSS of the seeding process | ${mib(seedRss)} |`,
        `| signing figures of every employer, county, city and province in SQL (\`SupervisionFigures.run\`) | ${full.seconds.toFixed(1)} s |`,
        `| the same for 1 % of the employers (${changed.length.toLocaleString('en')}) and every region | ${incremental.seconds.toFixed(1)} s |`,
        `| overview of the province (11 cities), ${latencyCalls} calls | ${provinceMs} |`,
        `| overview of a random city, ${latencyCalls} calls | ${cityMs} |`,
        `| overview of a random county, ${latencyCalls} calls | ${countyMs} |`,
        `| ranked first page (50) of a random region and filter, ${latencyCalls} calls | ${firstPageMs} |`,
        `| ranked pages of the province followed by cursor, ${latencyCalls} calls | ${deepPageMs} |`,
        ...(largest
          ? [
              `| supervision report, largest employer up to ${reportLimit.toLocaleString('en')} workers (${largest.size.toLocaleString('en')}) | ${(largestMs / 1000).toFixed(1)} s |`,
              `| supervision report, ${sample.length} random smaller employers | p50 ${quantile(sorted, 0.5).toFixed(0)} ms, p95 ${quantile(sorted, 0.95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms |`,
            ]
          : []),
        `| employers left out of the report timings (over ${reportLimit.toLocaleString('en')} workers) | ${bySize.length - reportable.length} |`,
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
