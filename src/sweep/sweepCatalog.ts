// The option declarations a sweep is checked against, as plain data: the run options and each
// method's options (key, flag, type, range). coreCatalog.ts builds it from core; a host that must not
// load core (the extension) can pass its own mirror of the same declarations.

/** What a sweep needs of one option declaration (core's OptionSpec without default and help). */
export interface SweepOptionDecl {
  /** Key in option objects, e.g. `lowerSteps`. */
  readonly key: string;
  /** Command-line flag without dashes, e.g. `K`. */
  readonly flag: string;
  readonly type: 'integer' | 'number' | 'choice' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly greaterThan?: number;
  readonly choices?: readonly string[];
}

/** The declarations: options every method takes, and each method's own, by method, in listing order. */
export interface SweepCatalog {
  readonly runOptions: readonly SweepOptionDecl[];
  readonly methods: readonly { readonly id: string; readonly options: readonly SweepOptionDecl[] }[];
}

/** Every option `method` takes: the run options, then its own. Undefined for an unknown method. */
export function optionsOf(catalog: SweepCatalog, method: string): readonly SweepOptionDecl[] | undefined {
  const entry = catalog.methods.find((m) => m.id === method);
  return entry ? [...catalog.runOptions, ...entry.options] : undefined;
}

/** Every declaration with this flag, over the run options and all methods. */
export function declarationsOfFlag(catalog: SweepCatalog, flag: string): SweepOptionDecl[] {
  return [...catalog.runOptions, ...catalog.methods.flatMap((m) => m.options)].filter((d) => d.flag === flag);
}
