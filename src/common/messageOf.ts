// The text of anything thrown, for error messages and run records.

/** `err.message` for an Error, else `String(err)`. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
