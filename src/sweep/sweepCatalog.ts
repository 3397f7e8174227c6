// The option declarations a sweep is checked against, as plain data: the run options and each
// method's options (key, flag, type, range). coreCatalog.ts builds it from core; a host that must not
// load core (the extension) can pass its own mirror of the same declarations.
import type { OptionDecl } from '../protocol/optionDecl';

/** The declarations: options every method takes, each method's own, by method, in listing order, and the problem's parameters. */
export interface SweepCatalog {
  readonly runOptions: readonly OptionDecl[];
  readonly methods: readonly { readonly id: string; readonly options: readonly OptionDecl[] }[];
  /** The parameters of the sweep's built-in problem (`bilevel problems`), which `--set` can sweep too; absent for a problem file. */
  readonly problemParams?: readonly OptionDecl[];
}

/** Every option `method` takes: the run options, then its own. Undefined for an unknown method. */
export function optionsOf(catalog: SweepCatalog, method: string): readonly OptionDecl[] | undefined {
  const entry = catalog.methods.find((m) => m.id === method);
  return entry ? [...catalog.runOptions, ...entry.options] : undefined;
}

/** Every declaration with this flag, over the run options and all methods. */
export function declarationsOfFlag(catalog: SweepCatalog, flag: string): OptionDecl[] {
  return [...catalog.runOptions, ...catalog.methods.flatMap((m) => m.options)].filter((d) => d.flag === flag);
}
