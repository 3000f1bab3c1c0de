// The named axes in scope while a function is traced under vmap or pmap with
// an axisName (innermost last), as JAX's axis environment: collectives
// (psum, pmax, pmin, pmean) look their axis up here, and a name that is not
// in scope is refused at trace time with JAX's words.

export interface NamedAxis {
  readonly name: string;
  readonly size: number;
}

const axes: NamedAxis[] = [];

/** Runs fn with `axis` in scope (nothing when name is undefined). */
export function withNamedAxis<T>(name: string | undefined, size: number, fn: () => T): T {
  if (name === undefined) return fn();
  axes.push({ name, size });
  try {
    return fn();
  } finally {
    axes.pop();
  }
}

/** The innermost axis with this name, or JAX's error naming the axes that are bound. */
export function namedAxis(name: string): NamedAxis {
  for (let k = axes.length - 1; k >= 0; k--) if (axes[k]!.name === name) return axes[k]!;
  const bound = axes.map((a) => `'${a.name}'`).join(', ');
  throw new Error(
    `unbound axis name: ${name}. The following axis names (e.g. defined by pmap) are available to collective ` +
      `operations: [${bound}]`,
  );
}
