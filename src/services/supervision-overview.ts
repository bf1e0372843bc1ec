/**
 * The officials' overview of the province (issue 24 item 3): province → city → county → employer,
 * read from the stored figures of one supervision run (SupervisionFigure), never computed per
 * request. Employers are ranked by risk — workers owed a written contract who have none (劳动合同法
 * 第十条、第八十二条), then head count — and paged by a cursor that pins the run, so a new run
 * never moves an employer between the pages of a listing: the listing is refused as stale instead.
 * Every view is an official read with its purpose, logged.
 */
import type { Db } from '../db/client.ts';
import { describeProfile, type IndustrySection, type OwnershipCode, type SizeClass } from '../domain/reference/organisation-profile.ts';
import { regionLabel, regionName } from '../domain/reference/divisions.ts';
import { Problem } from '../problem.ts';
import { requestedRegion, type AccessReason, type Official } from './official-access.ts';

export type RegionLevel = 'province' | 'city' | 'county';

export interface RegionFigures {
  code: string;
  name: string | null;
  level: RegionLevel;
  headcount: number;
  required: number;
  signed: number;
  /** Owed a written contract and without one on the day. */
  unsigned: number;
  /** signed / required, null when nobody is owed a contract. */
  signingRate: number | null;
  employers: number;
}

export interface RankingFilter {
  ownership?: OwnershipCode;
  industry?: IndustrySection;
  sizeClass?: SizeClass;
  /** Only employers with at least one worker without a written contract. */
  atRisk?: boolean;
}

interface FigureRow {
  key: string;
  regionCode: string;
  level: string;
  headcount: number;
  required: number;
  signed: number;
  unsigned: number;
  employers: number;
}

/** The run a cursor was issued on, and the last row of its page. */
interface Cursor {
  asOf: string;
  stamp: string;
  unsigned: number;
  headcount: number;
  key: string;
}

const TREND_RUNS = 30;

function levelOf(prefix: string): RegionLevel {
  return prefix.length === 2 ? 'province' : prefix.length === 4 ? 'city' : 'county';
}

/** The 6-digit key a region's figures are stored under. */
function regionKey(prefix: string): string {
  return prefix.padEnd(6, '0');
}

const rate = (signed: number, required: number) => (required === 0 ? null : Math.round((signed / required) * 10_000) / 10_000);

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof value.asOf === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value.asOf) &&
      typeof value.stamp === 'string' &&
      Number.isSafeInteger(value.unsigned) &&
      Number.isSafeInteger(value.headcount) &&
      typeof value.key === 'string' &&
      /^[0-9a-f-]{36}$/.test(value.key)
    )
      return value as Cursor;
  } catch {
    // falls through to the refusal below
  }
  throw Problem.badRequest([
    { field: 'after', in: 'query', rule: 'cursor', message: 'not a cursor this listing issued; use the `next` of the previous page', messageZh: '翻页游标无效，请使用上一页返回的 next' },
  ]);
}

export class SupervisionOverview {
  constructor(private readonly deps: { db: Db }) {}

  /** The latest stored run on or before `asOf`, with the stamp of its computation; null before the first run. */
  private async runOn(asOf: string): Promise<{ asOf: string; stamp: string } | null> {
    const [row] = await this.deps.db.$queryRaw<{ asOf: Date; stamp: Date }[]>`
      select "asOf", "computedAt" as stamp from "SupervisionFigure"
      where level = 'province' and "asOf" <= ${asOf}::date
      order by "asOf" desc, "computedAt" desc limit 1`;
    return row ? { asOf: row.asOf.toISOString().slice(0, 10), stamp: row.stamp.toISOString() } : null;
  }

  private async log(official: Official, action: string, reason: AccessReason, what: string) {
    await this.deps.db.accessLog.create({
      data: { officialId: official.officialId, action, purpose: `${reason.purpose}（${what}）`, caseNumber: reason.caseNumber ?? null },
    });
  }

  /**
   * One region with its figures, its child regions (cities of a province, counties of a city)
   * and its trend over the last runs. `region` must lie within the official's own.
   */
  async region(official: Official, region: string, asOf: string, reason: AccessReason) {
    const prefix = requestedRegion(official, region);
    const level = levelOf(prefix);
    const run = await this.runOn(asOf);
    await this.log(official, 'inspection.overview_read', reason, `监管概览 ${regionLabel(prefix)}`);
    if (!run) return { asOf: null, region: emptyRegion(prefix), children: [], trend: [] };
    const { db } = this.deps;
    const day = new Date(`${run.asOf}T00:00:00Z`);
    const childLevel = level === 'province' ? 'city' : level === 'city' ? 'county' : null;
    const [own, children, trend] = await Promise.all([
      db.supervisionFigure.findUnique({ where: { asOf_level_key: { asOf: day, level, key: regionKey(prefix) } } }),
      childLevel ? db.supervisionFigure.findMany({ where: { asOf: day, level: childLevel, key: { startsWith: prefix } }, orderBy: { key: 'asc' } }) : Promise.resolve([]),
      db.supervisionFigure.findMany({
        where: { level, key: regionKey(prefix), asOf: { lte: day } },
        orderBy: { asOf: 'desc' },
        take: TREND_RUNS,
      }),
    ]);
    return {
      asOf: run.asOf,
      region: own ? figures(own, prefix, level) : emptyRegion(prefix),
      children: children.map((row) => figures(row, childLevel === 'city' ? row.key.slice(0, 4) : row.key, childLevel!)),
      trend: trend
        .reverse()
        .map((row) => ({ asOf: row.asOf.toISOString().slice(0, 10), headcount: row.headcount, required: row.required, signed: row.signed, signingRate: rate(row.signed, row.required) })),
    };
  }

  /**
   * Employers of a region ranked by risk on one stored run, filtered by profile, a page at a
   * time. The cursor pins the run: after a recomputation a cursor of the old one is refused (409).
   */
  async ranking(official: Official, region: string, asOf: string, filter: RankingFilter, page: { after?: string; limit: number }, reason: AccessReason) {
    const prefix = requestedRegion(official, region);
    const cursor = page.after ? decodeCursor(page.after) : undefined;
    const run = cursor ? { asOf: cursor.asOf, stamp: cursor.stamp } : await this.runOn(asOf);
    if (cursor && (await this.runOn(cursor.asOf))?.stamp !== cursor.stamp)
      throw new Problem(
        409,
        'ranking-run-replaced',
        'The supervision run was recomputed',
        'The run this cursor was issued on has been recomputed; start the listing again without `after`.',
        undefined,
        {
          messageZh: '监管数据已重新计算，请从第一页重新查询',
        },
      );
    const rows = run ? await this.rankedRows(run.asOf, prefix, filter, cursor, page.limit + 1) : [];
    const total = run && !cursor ? await this.rankedCount(run.asOf, prefix, filter) : null;
    const items = rows.slice(0, page.limit);
    const last = rows.length > page.limit ? items.at(-1) : undefined;
    await this.log(official, 'inspection.ranking_read', reason, `风险排序 ${regionLabel(prefix)}，${items.length} 家用人单位`);
    return {
      asOf: run?.asOf ?? null,
      region: { code: prefix, name: regionName(prefix) ?? null },
      total,
      next: last && run ? encodeCursor({ asOf: run.asOf, stamp: run.stamp, unsigned: last.unsigned, headcount: last.headcount, key: last.organisationId }) : null,
      items,
    };
  }

  /** Every ranked employer of the region on the run, for the CSV export (logged once). */
  async rankingRows(official: Official, region: string, asOf: string, filter: RankingFilter, reason: AccessReason) {
    const prefix = requestedRegion(official, region);
    const run = await this.runOn(asOf);
    const rows = run ? await this.rankedRows(run.asOf, prefix, filter, undefined, 200_000) : [];
    await this.log(official, 'inspection.ranking_exported', reason, `风险排序导出 ${regionLabel(prefix)}，${rows.length} 家用人单位`);
    return { asOf: run?.asOf ?? null, rows };
  }

  private async rankedRows(asOf: string, prefix: string, filter: RankingFilter, cursor: Cursor | undefined, limit: number) {
    const rows = await this.deps.db.$queryRawUnsafe<(FigureRow & { name: string; uscc: string; ownership: string | null; industry: string | null; sizeClass: string | null; unsigned: number })[]>(
      `select f.key, f."regionCode", f.level, f.headcount, f.required, f.signed, f.unsigned, f.employers,
              o.name, o.uscc, o.ownership, o.industry, o."sizeClass"
       from "SupervisionFigure" f join "Organisation" o on o.id = f.key::uuid
       where ${rankedWhere}
         and ($7::int is null or f.unsigned < $7 or (f.unsigned = $7 and (f.headcount < $8 or (f.headcount = $8 and f.key > $9))))
       order by f.unsigned desc, f.headcount desc, f.key asc
       limit $10`,
      ...rankedParams(asOf, prefix, filter),
      cursor?.unsigned ?? null,
      cursor?.headcount ?? null,
      cursor?.key ?? null,
      limit,
    );
    return rows.map((row) => ({
      organisationId: row.key,
      name: row.name,
      uscc: row.uscc,
      regionCode: row.regionCode,
      regionName: regionName(row.regionCode) ?? null,
      profile: describeProfile(row),
      headcount: row.headcount,
      required: row.required,
      signed: row.signed,
      unsigned: row.unsigned,
      signingRate: rate(row.signed, row.required),
    }));
  }

  private async rankedCount(asOf: string, prefix: string, filter: RankingFilter): Promise<number> {
    const [row] = await this.deps.db.$queryRawUnsafe<{ total: number }[]>(
      `select count(*)::int as total from "SupervisionFigure" f join "Organisation" o on o.id = f.key::uuid where ${rankedWhere}`,
      ...rankedParams(asOf, prefix, filter),
    );
    return row?.total ?? 0;
  }
}

const rankedWhere = `f."asOf" = $1::date and f.level = 'employer' and f."regionCode" like $2
  and ($3::text is null or o.ownership = $3) and ($4::text is null or o.industry = $4) and ($5::text is null or o."sizeClass" = $5)
  and (not $6::boolean or f.unsigned > 0)`;

function rankedParams(asOf: string, prefix: string, filter: RankingFilter) {
  return [asOf, `${prefix}%`, filter.ownership ?? null, filter.industry ?? null, filter.sizeClass ?? null, filter.atRisk ?? false] as const;
}

function figures(row: FigureRow, code: string, level: RegionLevel): RegionFigures {
  return {
    code,
    name: regionName(code) ?? null,
    level,
    headcount: row.headcount,
    required: row.required,
    signed: row.signed,
    unsigned: row.unsigned,
    signingRate: rate(row.signed, row.required),
    employers: row.employers,
  };
}

function emptyRegion(prefix: string): RegionFigures {
  return { code: prefix, name: regionName(prefix) ?? null, level: levelOf(prefix), headcount: 0, required: 0, signed: 0, unsigned: 0, signingRate: null, employers: 0 };
}
