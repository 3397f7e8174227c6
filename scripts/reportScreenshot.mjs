// Screenshots part of an HTML report in headless Chromium (Debian's chromium, driven by playwright-core),
// for the README's pictures of a report:
//
//   node scripts/reportScreenshot.mjs REPORT.html OUT.png [--hash '#x=oracleCalls&logx=1'] [--select CSS]...
//
// `--hash` sets a sweep report's controls on load; each `--select` names an element (its first match),
// and the picture is the smallest rectangle holding them all (default: the whole page).
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const positional = [];
const selectors = [];
let hash = '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--select') selectors.push(args[++i]);
  else if (args[i] === '--hash') hash = args[++i] ?? '';
  else positional.push(args[i]);
}
const [report, out] = positional;
if (!report || !out || selectors.some((s) => !s)) {
  console.error("usage: node scripts/reportScreenshot.mjs REPORT.html OUT.png [--hash '#x=oracleCalls'] [--select CSS]...");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
  process.exit(2);
}
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(resolve(report)).href + hash);
  // Charts draw on load; give the last one a frame.
  await page.waitForTimeout(500);
  if (errors.length > 0) throw new Error(`the report raised: ${errors.join('; ')}`);
  if (selectors.length === 0) {
    await page.screenshot({ path: out, fullPage: true });
  } else {
    const boxes = [];
    for (const s of selectors) {
      const box = await page.locator(s).first().boundingBox();
      if (!box) throw new Error(`nothing on the page matches ${s}`);
      boxes.push(box);
    }
    const pad = 8;
    const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
    const width = Math.max(...boxes.map((b) => b.x + b.width)) + pad - x;
    const height = Math.max(...boxes.map((b) => b.y + b.height)) + pad - y;
    await page.screenshot({ path: out, fullPage: true, clip: { x, y, width, height } });
  }
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
