// Reading Query-protocol parameters: flat `Name.N.Field` form fields into values, lists and records.
import { CloudError } from './errors';

export type Params = Record<string, string>;

/** Form fields of a POST body, or of the query string for GET; the last of repeated names wins. */
export function decodeParams(body: string): Params {
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  return params;
}

function indexOf(key: string, prefix: string): { index: number; rest: string } | undefined {
  if (!key.startsWith(`${prefix}.`)) return undefined;
  const match = /^(\d+)(?:\.(.+))?$/.exec(key.slice(prefix.length + 1));
  if (!match?.[1]) return undefined;
  return { index: Number(match[1]), rest: match[2] ?? '' };
}

/** `Prefix.1`, `Prefix.2`… in index order (EC2's flattened lists; pass `Names.member` for Auto Scaling's). */
export function listParam(params: Params, prefix: string): string[] {
  const found: Array<[number, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    const at = indexOf(key, prefix);
    if (at && at.rest === '') found.push([at.index, value]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** `Prefix.N.Field…` grouped by N, in index order, each as its own params with `Prefix.N.` removed. */
export function structListParam(params: Params, prefix: string): Params[] {
  const groups = new Map<number, Params>();
  for (const [key, value] of Object.entries(params)) {
    const at = indexOf(key, prefix);
    if (!at || at.rest === '') continue;
    const group = groups.get(at.index) ?? {};
    group[at.rest] = value;
    groups.set(at.index, group);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

export function boolParam(params: Params, name: string, errorCode = 'InvalidParameterValue'): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new CloudError(errorCode, `Invalid value '${value}' for ${name}. It must be true or false.`);
}

export function intParam(params: Params, name: string, errorCode = 'InvalidParameterValue'): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()))
    throw new CloudError(errorCode, `Invalid value '${value}' for ${name}. It must be an integer.`);
  return Number(value.trim());
}
