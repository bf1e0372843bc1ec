/**
 * What a batch is made of, shared by its submission, its job and its reports: the request and
 * its rows, the per-row problems recorded with the batch (parsed with zod where read), the job's
 * payload, and the pure helpers over row values.
 */
import { z } from 'zod';

export const batchQueueName = 'batch-contract';
/**
 * Rows per job: enough to share one transaction and one signer, few enough to redo after a
 * crash. 50 rather than 25: in interleaved 10,000-row runs 221–266 against 170–199 contracts/s,
 * both for the per-job work (queue, authorisation, signer, ten statements) and because two
 * jobs per worker less often wait on storage and the database at the same moment.
 */
export const batchChunkRows = 50;

/** Where a row's encrypted fields are bound (FieldCrypto's associated data). */
export const batchFieldsColumn = 'BatchRow.fields';

export interface BatchJob {
  batchId: string;
  rows: number[];
}

export interface BatchRequest {
  templateId: string;
  shared: Record<string, unknown>;
  /** Each row with the number the submitter knows it by (JSON: 1-based index; sheet: sheet row). */
  rows: { row: number; values: Record<string, unknown> }[];
  allOrNothing: boolean;
  send: boolean;
  source?: 'json' | 'csv' | 'xlsx';
  /** How a field is named to the submitter (a sheet's Chinese column header). */
  fieldName?: (path: string) => string;
}

export interface RowError {
  row: number;
  field: string;
  rule: string;
  message: string;
  messageZh?: string;
}

export interface SheetUpload {
  templateId: string;
  format: 'csv' | 'xlsx';
  data: Uint8Array;
  allOrNothing: boolean;
  send: boolean;
}

/** `Batch.rejected`, the rows refused at submission, as written by the submission. */
const rowErrorsSchema = z.array(z.object({ row: z.number().int(), field: z.string(), rule: z.string(), message: z.string(), messageZh: z.string().optional() }));

/** The rows refused at submission, read back from their JSON column (a malformed value is a 500, not a guess). */
export function rejectedRows(rejected: unknown): RowError[] {
  return rowErrorsSchema.parse(rejected);
}

/** Row values over the shared ones; nested objects (worker, wage…) merge one level deep. */
export function rowFields(shared: Record<string, unknown>, row: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...shared };
  for (const [key, value] of Object.entries(row)) {
    const base = merged[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object' && !Array.isArray(base) ? { ...base, ...value } : value;
  }
  return merged;
}

/**
 * The characters of every text value (at any depth) that all of a chunk's rows share: a batch's
 * shared values and its employer, typically. The renderer subsets them once for the chunk
 * (TemplateRenderRequest.commonText). A chunk of one row has nothing in common with another.
 */
export function commonText(rows: Record<string, unknown>[]): string {
  if (rows.length < 2) return '';
  const leaves = (value: unknown, path: string, into: Map<string, string>) => {
    if (typeof value === 'string') into.set(path, value);
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) leaves(inner, `${path}.${key}`, into);
  };
  const common = new Map<string, string>();
  leaves(rows[0], '', common);
  for (const row of rows.slice(1)) {
    const values = new Map<string, string>();
    leaves(row, '', values);
    for (const [path, value] of common) if (values.get(path) !== value) common.delete(path);
  }
  // Sorted and without repeats: the same characters in any order are the same subset.
  return [...new Set([...common.values()].join(''))].sort().join('');
}
