/**
 * Many rows into one table in one statement: INSERT … SELECT FROM unnest(one array per column).
 * For a batch's chunk Prisma's createMany spends more CPU compiling the rows into its query plan
 * and mapping them back than PostgreSQL spends storing them. Identifiers come from the column
 * specs in code, never from input; every value travels as a bound parameter.
 */
import { randomBytes } from 'node:crypto';
import type { DbTx } from './client.ts';

/** How a column's values travel (as text or int arrays) and are cast back in the SELECT. */
export type ColumnType = 'uuid' | 'text' | 'int' | 'bytea' | 'jsonb' | 'date' | 'timestamp' | 'numeric' | { enum: string };

export type ColumnSpec = Record<string, ColumnType>;

/**
 * A version-7 UUID (time-ordered, RFC 9562), as Prisma's `@default(uuid(7))` makes on the
 * client: rows inserted here get ids of the same kind as rows Prisma creates.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

function encode(type: ColumnType, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int':
      return value as number;
    case 'bytea':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'jsonb':
      return JSON.stringify(value);
    // Prisma keeps DateTime columns as UTC wall time in `timestamp(3)`: casting an ISO string
    // with its Z to `timestamp` keeps the UTC fields, whatever the session's time zone.
    case 'date':
      return (value as Date).toISOString().slice(0, 10);
    case 'timestamp':
      return (value as Date).toISOString();
    default:
      return String(value);
  }
}

function selectExpression(column: string, type: ColumnType): string {
  const c = quote(column);
  if (typeof type === 'object') return `${c}::${quote(type.enum)}`;
  switch (type) {
    case 'uuid':
      return `${c}::uuid`;
    case 'bytea':
      return `decode(${c}, 'base64')`;
    case 'jsonb':
      return `${c}::jsonb`;
    case 'date':
      return `${c}::date`;
    case 'timestamp':
      return `${c}::timestamp(3)`;
    case 'numeric':
      return `${c}::numeric`;
    default:
      return c;
  }
}

/**
 * Inserts `rows` into `table`; every row supplies every column of `columns` (null allowed).
 * `suffix` follows the SELECT (an ON CONFLICT clause, a RETURNING list); with RETURNING the
 * returned rows come back, otherwise none.
 */
export async function insertRows<Returned = never>(tx: DbTx, table: string, columns: ColumnSpec, rows: Record<string, unknown>[], suffix = ''): Promise<Returned[]> {
  if (!rows.length) return [];
  const names = Object.keys(columns);
  const arrays = names.map((name) => rows.map((row) => encode(columns[name]!, row[name])));
  const sql =
    `insert into ${quote(table)} (${names.map(quote).join(', ')}) ` +
    `select ${names.map((name) => selectExpression(name, columns[name]!)).join(', ')} ` +
    `from unnest(${names.map((name, i) => `$${i + 1}::${columns[name] === 'int' ? 'int' : 'text'}[]`).join(', ')}) as v(${names.map(quote).join(', ')}) ${suffix}`;
  if (/\breturning\b/i.test(suffix)) return tx.$queryRawUnsafe<Returned[]>(sql, ...arrays);
  await tx.$executeRawUnsafe(sql, ...arrays);
  return [];
}
