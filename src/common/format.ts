// Numbers, durations and byte counts as people read them: the one set of display formats of the CLI,
// the run panel (webview), the history view, the check notification and the HTML report. Missing
// values print as `—`. Not for text that must read back exactly (CSV, option values): `String(v)` is
// already the shortest round-tripping form, so those use it directly.

/**
 * A number in 4 significant digits with trailing zeros dropped: `0.1235`, `12.5`, `3`; exponent form
 * below 1e-3 and from 1e5 on (`2e-6`, `1.235e+5`). `—` for undefined; `NaN`, `Infinity` and
 * `-Infinity` as they are (a diverged run must not read as a missing value).
 *
 * Self-contained on purpose: the report page inlines this function's source (src/report/reportScript.ts)
 * so its axis ticks read like the rest of the report; it must call nothing outside itself.
 */
export function formatNumber(v: number | undefined): string {
  if (v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  // The form is chosen after rounding, so 99999 reads 1e+5 rather than 100000.
  const rounded = Number(v.toPrecision(4));
  const a = Math.abs(rounded);
  if (a >= 1e-3 && a < 1e5) return String(rounded);
  const [mantissa, exponent] = v.toExponential(3).split('e');
  return `${Number(mantissa)}e${exponent}`;
}

/** Bytes in binary units with 3 significant digits: `812 B`, `1.50 KiB`, `12.3 MiB`, `512 MiB`; `—` when missing. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (Math.abs(Math.round(bytes)) < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes / 1024;
  let u = 0;
  // Compared as printed, so 1023.999 KiB is `1.00 MiB`, not `1024 KiB`.
  while (Math.abs(Number(threeDigits(v))) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${threeDigits(v)} ${units[u]}`;
}

/** `v` with 3 significant digits in fixed notation (`1.50`, `12.3`, `512`); 9.999 gives `10.0`, not `10.00`. */
function threeDigits(v: number): string {
  const decimals = (x: number): number => (Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0);
  return v.toFixed(decimals(Number(v.toFixed(decimals(v)))));
}

/**
 * A duration: `420 ms`, `4.2 s` (under 10 s), `42 s`, `3 min 05 s`, `1 h 02 min`. `—` when missing,
 * not finite or negative. Each unit is chosen after rounding, so 59.6 s is `1 min 00 s`, not `60 s`.
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad2(s % 60)} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${pad2(m % 60)} min`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
