/**
 * Template field schemas refuse keys they do not declare, at every depth: a misspelt or
 * unsupported field (say `employmentForm` on a template without one) must be a 400 naming it,
 * not silently stripped and the contract judged as something else. The catalog applies this to
 * every manifest, so no template can forget it; the manifests' own (non-strict) schemas keep
 * defining the content hash, which strictness does not change (it refuses requests, it does
 * not change what a document says).
 */
import { z } from 'zod';

/** Carries the description / metadata of `from` over to the rebuilt `to`. */
function keepMeta<T extends z.ZodType>(from: z.ZodType, to: T): T {
  const meta = z.globalRegistry.get(from);
  return meta ? (to.meta(meta) as T) : to;
}

export function deepStrict<T extends z.ZodType>(schema: T): T {
  return keepMeta(schema, rebuild(schema)) as T;
}

function rebuild(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, value]) => [key, deepStrict(value)]));
    return schema.safeExtend(shape).strict();
  }
  if (schema instanceof z.ZodOptional) return deepStrict(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return deepStrict(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodDefault) {
    const inner = deepStrict(schema.unwrap() as z.ZodType);
    const value = (schema._zod.def as { defaultValue: unknown }).defaultValue;
    return inner.default(value as never);
  }
  if (schema instanceof z.ZodArray) {
    const rebuilt = z.array(deepStrict(schema.element as z.ZodType));
    // Length limits are checks on the array: keep them.
    return schema._zod.def.checks?.length ? rebuilt.with(...(schema._zod.def.checks as never[])) : rebuilt;
  }
  return schema;
}

/**
 * The part of `value` a field of `schema` declares: for platform code that copies a party from
 * one document into another template (a 续订书's or 证明书's worker from the contract), where
 * the contract may carry more than the new template prints.
 */
export function declaredPart(schema: z.ZodObject, field: string, value: unknown): unknown {
  let current = (schema.shape as Record<string, z.ZodType>)[field];
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  if (!(current instanceof z.ZodObject) || typeof value !== 'object' || value === null) return value;
  const keys = new Set(Object.keys(current.shape));
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.has(key)));
}
