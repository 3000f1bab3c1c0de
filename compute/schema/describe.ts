// Runs a payload schema and, when it refuses, says which field and why, in
// the schema's own words: the path ("records[0].strategy", "sweep.nMax"), the
// rule ("must be one of loops, naive, …") and the value found. Each shell
// frames it its own way (an IPC request: "run:start: request.nx must be …";
// a settings file: "'nx' must be …, got 0"), but the rule is the one the
// schema states, so the same bad value reads the same through every path.

import * as v from 'valibot';

export interface Refusal {
  /** Where in the payload, as code writes it: "nx", "records[0].strategy", "" for the payload itself. */
  path: string;
  /** The rule the value broke, as the schema states it. */
  rule: string;
  /** The value found there (undefined for a missing field). */
  value: unknown;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

function pathOf(items: readonly v.IssuePathItem[] | undefined): string {
  let path = '';
  for (const item of items ?? [])
    path += typeof item.key === 'number' ? `[${item.key}]` : `${path ? '.' : ''}${String(item.key)}`;
  return path;
}

/** The schema's output, or its first refusal (checking stops there: one clear reason, not a list). */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const last = issue.path?.at(-1);
  return {
    ok: false,
    refusal: { path: pathOf(issue.path), rule: issue.message, value: last ? last.value : issue.input },
  };
}

/** A value as a refusal quotes it: short text in quotes, anything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return JSON.stringify(value) ?? String(value);
}
