import { z } from 'zod';

/**
 * Zod building blocks that accept both JSON values and the all-string leaves XML decodes to,
 * so one schema yields the same typed object from either format.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

export const wireNumber = z.preprocess(toNumber, z.number().finite());
export const wireInt = z.preprocess(toNumber, z.number().int());
export const optionalNumber = z.preprocess(toNumber, z.number().finite().optional());
export const optionalInt = z.preprocess(toNumber, z.number().int().optional());
export const wireBoolean = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
/** Strings; numbers are accepted because some gateways answer Code as 200 rather than "200". */
export const wireString = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());
export const optionalString = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().optional());

/** An object; an empty XML element (decoded as "") counts as {}. Unknown fields are kept. */
export function wireObject<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess((v) => (v === '' ? {} : v), z.looseObject(shape));
}

/** A list; XML repeats an element, so one element decodes as an object and none as absent or "". */
export function wireList<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

/** Renames an alias field to the canonical name (the guide's own examples disagree on some names). */
export function withAlias(canonical: string, alias: string) {
  return (v: unknown): unknown => {
    if (!isRecord(v) || v[alias] === undefined) return v;
    const { [alias]: aliased, ...rest } = v;
    return rest[canonical] === undefined ? { ...rest, [canonical]: aliased } : rest;
  };
}

/** A JSON string on the wire, an object in code; invalid JSON is left as a string so validation fails. */
export function jsonString<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);
}

/** The envelope every success response shares. */
export const Envelope = z.looseObject({
  RequestId: optionalString,
  Code: optionalString,
  Message: optionalString,
  Success: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().optional()),
  HostId: optionalString,
  Data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof Envelope>;
