/**
 * The template catalog: every templates/<id>/<version>/ folder, loaded and checked at start
 * (the body parses, every placeholder names a declared field, folder names match the
 * manifest), so a broken template stops the service instead of a contract.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ContractTerms } from '../domain/contract-terms.ts';
import { canonicalJson } from '../security/canonical-json.ts';
import { contractTermsOf, documentTermsOf, templateKinds, type TemplateKind, type TemplateManifest } from './define.ts';
import { parseMarkup, referencedPaths, TemplateSyntaxError, type Block } from './markup.ts';
import { deepStrict } from './strict.ts';

export const templatesDirectory = path.resolve(import.meta.dirname, '../../templates');

export interface LoadedTemplate {
  id: string;
  version: string;
  title: string;
  kind: TemplateKind;
  source: string;
  /** Issued by the platform itself (出证报告, 验证报告): never listed to employers nor accepted from a request. */
  internal: boolean;
  /** SHA-256 over the manifest data, the fields' JSON Schema and the body text. */
  contentHash: string;
  /** The manifest's fields refusing undeclared keys at every depth (strict.ts). */
  fieldsSchema: z.ZodObject;
  example: Record<string, unknown>;
  body: Block[];
  /** Terms of a contract in its own right; undefined for attachments, certificates and reports. */
  toContractTerms(fields: Record<string, unknown>): ContractTerms | undefined;
  /** Terms any document sets (a contract, 续订书 or 变更书) for the labor-law rules. */
  toDocumentTerms(fields: Record<string, unknown>): ContractTerms | undefined;
}

export class TemplateError extends Error {}

const internalKinds: readonly TemplateKind[] = ['evidence_report'];

/** Unwraps optional/default/nullable wrappers to reach an object's shape. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else return undefined;
  }
}

function declares(schema: z.ZodObject, fieldPath: string): boolean {
  // $item.… and $index belong to the element of a ::: each list (checked when rendered).
  if (fieldPath.startsWith('$')) return ['$number', '$date', '$index'].includes(fieldPath) || fieldPath.startsWith('$item.') || fieldPath === '$item';
  let shape: Record<string, z.ZodType> | undefined = schema.shape as Record<string, z.ZodType>;
  const keys = fieldPath.split('.');
  for (const [i, key] of keys.entries()) {
    const next: z.ZodType | undefined = shape?.[key];
    if (!next) return false;
    if (i < keys.length - 1) shape = objectShape(next);
  }
  return true;
}

export function versionOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export async function loadTemplate(folder: string): Promise<LoadedTemplate> {
  const module = (await import(pathToFileURL(path.join(folder, 'manifest.ts')).href)) as { default: TemplateManifest };
  const manifest = module.default;
  const where = path.relative(templatesDirectory, folder);
  const [folderId, folderVersion] = where.split(path.sep);
  if (manifest.id !== folderId || manifest.version !== folderVersion) throw new TemplateError(`${where}: manifest says ${manifest.id}/${manifest.version}`);
  if (!templateKinds.includes(manifest.kind)) throw new TemplateError(`${where}: unknown kind ${manifest.kind}`);
  const bodyText = readFileSync(path.join(folder, 'body.lsm'), 'utf8');
  let body: Block[];
  try {
    body = parseMarkup(bodyText);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new TemplateError(`${where}/body.lsm ${error.message}`);
    throw error;
  }
  const undeclared = [...referencedPaths(body)].filter((p) => !declares(manifest.fields, p));
  if (undeclared.length) throw new TemplateError(`${where}/body.lsm refers to undeclared fields: ${undeclared.join(', ')}`);
  const example = deepStrict(manifest.fields).safeParse(manifest.example);
  if (!example.success) throw new TemplateError(`${where}: the example does not match the fields: ${example.error.message}`);
  const jsonSchema = z.toJSONSchema(manifest.fields, { unrepresentable: 'any', io: 'input' });
  const contentHash = createHash('sha256')
    .update(canonicalJson({ id: manifest.id, version: manifest.version, title: manifest.title, kind: manifest.kind, source: manifest.source, fields: jsonSchema, body: bodyText }))
    .digest('hex');
  return {
    id: manifest.id,
    version: manifest.version,
    title: manifest.title,
    kind: manifest.kind,
    source: manifest.source,
    internal: internalKinds.includes(manifest.kind),
    contentHash,
    fieldsSchema: deepStrict(manifest.fields),
    example: example.data as Record<string, unknown>,
    body,
    toContractTerms: (fields) => contractTermsOf(manifest.kind, fields),
    toDocumentTerms: (fields) => documentTermsOf(manifest.kind, fields),
  };
}

export class TemplateCatalog {
  private constructor(private readonly templates: Map<string, LoadedTemplate[]>) {}

  static async load(directory = templatesDirectory): Promise<TemplateCatalog> {
    const byId = new Map<string, LoadedTemplate[]>();
    const folders = readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const id of folders.map((entry) => entry.name).sort()) {
      const idFolder = path.join(directory, id);
      for (const version of readdirSync(idFolder, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)) {
        const folder = path.join(idFolder, version);
        if (!existsSync(path.join(folder, 'manifest.ts'))) continue;
        const template = await loadTemplate(folder);
        byId.set(
          id,
          [...(byId.get(id) ?? []), template].sort((a, b) => versionOrder(a.version, b.version)),
        );
      }
    }
    return new TemplateCatalog(byId);
  }

  /** The latest version of every template, internal ones included. */
  list(): LoadedTemplate[] {
    return [...this.templates.values()].map((versions) => versions.at(-1)!);
  }

  get(id: string, version?: string): LoadedTemplate | undefined {
    const versions = this.templates.get(id);
    return version === undefined ? versions?.at(-1) : versions?.find((t) => t.version === version);
  }
}
