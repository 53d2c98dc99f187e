import type { z } from 'zod';
import { ACTIONS, isActionName, paramLocation, unflattenParams, type ActionName } from './actions';
import type { FlatParams } from './canonical';
import { COMMON_PARAM_NAMES } from './common-params';

/**
 * Server side of the action schemas: which (Action, Version) pairs exist, and flat wire params →
 * the typed request, with the spec code the service answers when they do not fit.
 */

/** The dated versions of the 2018 guide's release notes, oldest first. */
export const SPEC_VERSIONS = ['2017-10-10', '2017-11-17', '2018-05-04', '2018-07-03', '2018-08-07', '2018-09-16'] as const;

// From the release notes: everything from 2017-10-10 except DetectFaceAttributes (2018-07-03) and
// SubmitVerification (2018-09-16); 2019-03-07 kept CompareFaces with the same parameters.
const FIRST_VERSION: Record<ActionName, string> = {
  GetVerifyToken: '2017-10-10',
  SubmitMaterials: '2017-10-10',
  GetStatus: '2017-10-10',
  GetMaterials: '2017-10-10',
  CompareFaces: '2017-10-10',
  DetectFaceAttributes: '2018-07-03',
  SubmitVerification: '2018-09-16',
};

/** True when this action exists in this API version (InvalidApi.NotFound otherwise). */
export function actionExists(action: string, version: string): action is ActionName {
  if (!isActionName(action)) return false;
  if (action === 'CompareFaces' && version === '2019-03-07') return true;
  return (SPEC_VERSIONS as readonly string[]).includes(version) && version >= FIRST_VERSION[action];
}

/** True when a response field added by a later release should be left out for this version. */
export function fieldAddedAfter(version: string, added: string): boolean {
  return version < added;
}

/** A request after its schema: defaults applied, JSON strings parsed, lists unflattened. */
export type ParsedRequest<A extends ActionName> = z.output<(typeof ACTIONS)[A]['request']>;

export type ParsedAction<A extends ActionName> =
  | { ok: true; value: ParsedRequest<A> }
  | { ok: false; code: string; detail: string };

const SPEC_CODE = /^([A-Za-z]+(?:\.[A-Za-z]+)+|ImageTooLarge):\s*(.*)$/;

/**
 * The spec code for the first schema issue: refinements carry it as a "Code: text" prefix; a
 * parameter that is absent is the gateway's MissingParameter (or MaterialsEmpty for the list).
 */
export function specCodeOfIssues(issues: readonly z.core.$ZodIssue[]): { code: string; detail: string } {
  // Material.11.* is not "no materials": the numbering is wrong, which says more.
  const misnumbered = issues.find((i) => i.code === 'unrecognized_keys' && i.keys.some((k) => k.startsWith('Material')));
  if (misnumbered) return { code: 'InvalidParam.MaterialsNotValid', detail: 'materials are numbered Material.1 … Material.10' };
  const issue = issues[0];
  if (!issue) return { code: 'InvalidParam.ParamMissing', detail: '' };
  const where = issue.path.map(String).join('.');
  const m = SPEC_CODE.exec(issue.message);
  if (m) return { code: m[1]!, detail: `${where ? `${where}: ` : ''}${m[2]}` };
  const absent = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
  if (absent && issue.path.length === 1) {
    if (issue.path[0] === 'Material') return { code: 'InvalidParam.MaterialsEmpty', detail: 'submit at least one Material.n.MaterialType / Material.n.Value' };
    return { code: 'MissingParameter', detail: `The input parameter "${where}" that is mandatory for processing this request is not supplied.` };
  }
  if (where.startsWith('Material')) return { code: 'InvalidParam.MaterialsNotValid', detail: `${where}: ${issue.message}` };
  return { code: 'InvalidParam.ParamMissing', detail: `${where || 'request'}: ${issue.message}` };
}

/**
 * Flat params (query ∪ body) → the action's typed request. Common parameters are removed; names
 * the guide does not list for the action are ignored as the gateway ignores them; a name written
 * with a lower-case first letter (the guide's own SubmitVerification example sends `biz=`) is
 * read as its capitalised form.
 */
export function parseActionParams<A extends ActionName>(action: A, params: FlatParams): ParsedAction<A> {
  const spec = ACTIONS[action];
  const own: FlatParams = {};
  for (const [raw, value] of Object.entries(params)) {
    if (COMMON_PARAM_NAMES.has(raw)) continue;
    const name = paramLocation(spec, raw) ? raw : `${raw.charAt(0).toUpperCase()}${raw.slice(1)}`;
    if (!paramLocation(spec, name) || name === 'RegionId') continue;
    own[name] ??= value;
  }
  const parsed = spec.request.safeParse(unflattenParams(own));
  if (parsed.success) return { ok: true, value: parsed.data as ParsedRequest<A> };
  return { ok: false, ...specCodeOfIssues(parsed.error.issues) };
}
