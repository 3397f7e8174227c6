// The run panel's HTML shell: a strict CSP with a per-load nonce (STYLE §5, webview-view-sample),
// the stylesheet and the bundled script from the extension's own folder, and no remote content.
// Pure, so the CSP is unit-tested.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../common/escapeHtml';

/** What the shell needs from the webview (`webview.cspSource`, `asWebviewUri(...)`). */
export interface PanelHtmlOptions {
  readonly cspSource: string;
  /** Fresh for every load ({@link makeNonce}). */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
}

/** A random nonce for the CSP (base64url of 18 random bytes, 24 characters). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The Content-Security-Policy of the panel: scripts only with the nonce, styles and images only local. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // data: and blob: let the PNG export and Chart.js's own canvases work; nothing remote.
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The HTML of the panel; the script builds the page (webview/main.ts). */
export function renderPanelHtml(o: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${escapeHtml(o.styleUri)}" rel="stylesheet">
<title>${escapeHtml(o.title)}</title>
</head>
<body data-charts-drawn="0">
<main id="app" aria-busy="true"><p class="loading">Loading run…</p></main>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}

