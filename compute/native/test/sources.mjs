// What the evaluator's test driver compiles, read from binding.gyp — the one
// list the addon is built from — so that a source or flag added to the addon
// reaches the driver's builds too: every target's sources for the platform
// being built (gyp's variables, target_defaults and conditions applied), each
// with its target's C++ flags, less the Node-API files (those that include
// <napi.h>, directly or through a header of ours).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const nativeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const driverSources = [join(nativeDir, 'test', 'driver.cc')];

/** binding.gyp as data: gyp is JSON with `#` comments and trailing commas allowed. */
export function readGyp(text = readFileSync(join(nativeDir, 'binding.gyp'), 'utf8')) {
  const json = text
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, ''))
    .join('\n')
    .replace(/,(\s*[\]}])/g, '$1');
  return JSON.parse(json);
}

/** A gyp condition such as `target_arch=='x64'` or `OS!='win' and target_arch=='arm64'`, for `vars`. */
function holds(condition, vars) {
  return condition.split(/\s+or\s+/).some((any) =>
    any.split(/\s+and\s+/).every((term) => {
      const match = /^\s*\(?\s*(\w+)\s*(==|!=)\s*['"]([^'"]*)['"]\s*\)?\s*$/.exec(term);
      if (!match) throw new Error(`binding.gyp: condition '${condition}' is not one the driver's build reads`);
      const [, name, op, value] = match;
      return (vars[name] === value) === (op === '==');
    }),
  );
}

/** gyp's merge: lists append, dictionaries merge, `key!` lists remove entries (applied by `settle`). */
function merge(into, from) {
  for (const [key, value] of Object.entries(from)) {
    if (Array.isArray(value)) into[key] = [...(into[key] ?? []), ...value];
    else if (value && typeof value === 'object') into[key] = merge({ ...(into[key] ?? {}) }, value);
    else into[key] = value;
  }
  return into;
}

/** Applies `conditions` (recursively) for `vars`. */
function resolveConditions(dict, vars) {
  const { conditions = [], ...rest } = dict;
  let out = rest;
  for (const [condition, then, otherwise] of conditions) {
    const chosen = holds(condition, vars) ? then : otherwise;
    if (chosen) out = merge(out, resolveConditions(chosen, vars));
  }
  return out;
}

/** Expands `<@(name)` and `<(name)` from the variables; drops command expansions (`<!…`), which only gyp can run. */
function expand(list, variables) {
  return (list ?? []).flatMap((entry) => {
    const s = String(entry);
    if (s.startsWith('<!')) return [];
    const spliced = /^<@\((\w+)\)$/.exec(s);
    if (spliced) return expand(variables[spliced[1]], variables);
    return [s.replace(/<\((\w+)\)/g, (_, name) => String(variables[name]))];
  });
}

function settle(target, key, variables) {
  const removed = new Set(expand(target[`${key}!`], variables));
  return expand(target[key], variables).filter((entry) => !removed.has(entry));
}

/** Whether `file` includes <napi.h>, itself or through a quoted include it can find. */
function usesNodeApi(file, includeDirs, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (/^\s*#\s*include\s*[<"](napi|node_api)\.h[>"]/m.test(text)) return true;
  for (const [, name] of text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
    const found = [dirname(file), ...includeDirs].map((dir) => join(dir, name)).find((path) => existsSync(path));
    if (found && usesNodeApi(found, includeDirs, seen)) return true;
  }
  return false;
}

/**
 * The evaluator's build for one platform (os: gyp's OS, 'linux' | 'win' |
 * 'mac'; arch: gyp's target_arch, 'x64' | 'arm64'), without Node-API: one
 * unit per source, each with its absolute path and its target's include
 * folders, defines and GCC/clang flags (cflags and cflags_cc).
 */
export function evaluatorBuild({ os = 'linux', arch = 'x64' } = {}, gyp = readGyp()) {
  const vars = { OS: os, target_arch: arch };
  const top = resolveConditions(gyp, vars);
  const variables = { ...vars, ...(gyp.variables ?? {}) };
  const defaults = resolveConditions(top.target_defaults ?? {}, vars);
  const units = [];
  const nodeApi = [];
  for (const raw of top.targets ?? []) {
    const target = merge(structuredClone(defaults), resolveConditions(raw, vars));
    if (target.type === 'none') continue;
    const includeDirs = [
      join(nativeDir, 'src'),
      ...settle(target, 'include_dirs', variables).map((dir) => resolve(nativeDir, dir)),
    ];
    const defines = settle(target, 'defines', variables).filter((define) => !/^(NAPI|NODE_ADDON_API)/.test(define));
    const flags = [...settle(target, 'cflags', variables), ...settle(target, 'cflags_cc', variables)];
    for (const source of expand(target.sources, variables)) {
      const file = resolve(nativeDir, source);
      if (!/\.(cc|cpp|cxx)$/.test(file)) continue;
      if (usesNodeApi(file, includeDirs)) nodeApi.push(file);
      else units.push({ file, target: target.target_name, includeDirs, defines, flags });
    }
  }
  return { units, nodeApi };
}
