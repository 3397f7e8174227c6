// The SVG export of a chart: a standalone document with the plot, ticks, lines, bars and legend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSvg } from '../../../webview/svgExport';

describe('renderSvg', () => {
  it('writes a standalone SVG with escaped text, clipped lines and bars', () => {
    const svg = renderSvg({
      width: 400,
      height: 200,
      title: 'F <upper> & "more"',
      area: { left: 40, top: 20, right: 390, bottom: 170 },
      xTicks: [{ pos: 40, label: '0' }, { pos: 390, label: '100' }],
      yTicks: [{ pos: 170, label: '1e-3' }],
      xLabel: 'outer iteration',
      yLabel: 'F',
      lines: [{ label: 'rhg', color: '#1f77b4', width: 1.5, opacity: 1, points: [[40, 20], [215.123456, 100], [390, 170]] }],
      bars: [{ color: '#d62728', x: 50, y: 60, width: 10, height: 110 }],
      legend: [{ label: 'rhg', color: '#1f77b4' }],
      foreground: '#333',
      background: '#fff',
      gridColor: '#ccc',
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="224"/);
    assert.match(svg, /F &lt;upper&gt; &amp; &quot;more&quot;/);
    assert.match(svg, /<polyline [^>]*points="40,20 215.12,100 390,170"/);
    assert.match(svg, /<rect x="50" y="60" width="10" height="110" fill="#d62728"\/>/);
    assert.match(svg, /clip-path="url\(#plot\)"/);
    assert.match(svg, /<\/svg>\n$/);
  });

  it('fills a band as one polygon, the upper edge out and the lower edge back, under the lines', () => {
    const svg = renderSvg({
      width: 400,
      height: 200,
      title: 'F',
      area: { left: 40, top: 20, right: 390, bottom: 170 },
      xTicks: [],
      yTicks: [],
      xLabel: 'oracle calls',
      yLabel: 'F',
      lines: [{ label: 'rhg · median of 3 seeds', color: '#1f77b4', width: 2, opacity: 1, points: [[40, 80], [390, 120]] }],
      areas: [{ label: 'rhg · 20–80%', color: 'rgba(31, 119, 180, 0.25)', opacity: 1, upper: [[40, 60], [390, 100]], lower: [[40, 90], [390, 140]] }],
      bars: [],
      legend: [],
      foreground: '#333',
      background: '#fff',
      gridColor: '#ccc',
    });
    assert.match(svg, /<polygon fill="rgba\(31, 119, 180, 0.25\)" fill-opacity="1" stroke="none" points="40,60 390,100 390,140 40,90">/);
    assert.ok(svg.indexOf('<polygon') < svg.indexOf('<polyline'), 'the band is drawn under the line');
  });
});
