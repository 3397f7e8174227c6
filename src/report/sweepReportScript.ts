// The browser side of a sweep's report page, as a plain script string that writeSweepReport.ts
// inlines after Chart.js. It only draws and reacts to the controls: the bands, seed curves,
// sensitivity summaries and parallel-coordinates axes were computed in Node (sweepReportData.ts) and
// sit in the `sweep-data` JSON block. The target table is recomputed here when the target changes,
// by the same functions Node used, inlined as source: firstReach (src/common/bands.ts),
// quantileSorted (src/common/quantiles.ts), reachCells and reachText (self-contained for this), and
// formatNumber for every number. The body is ES2017 without template literals (it is a String.raw).
import { firstReach } from '../common/bands';
import { formatNumber } from '../common/format';
import { quantileSorted } from '../common/quantiles';
import { reachCells, reachText } from './sweepReportData';

const PAGE_BODY = String.raw`
  var data = JSON.parse(document.getElementById('sweep-data').textContent);
  var axisIndex = {};
  data.curves.axes.forEach(function (a, i) { axisIndex[a.key] = i; });

  // The state of the controls; a URL hash such as #x=time&logx=1&logy=0&stat=mean&seeds=1 sets it
  // on load (handy for screenshots and links).
  var state = { axis: 'oracleCalls', logX: false, logY: true, stat: 'median', seeds: false, hidden: {} };
  (location.hash || '').replace(/^#/, '').split('&').forEach(function (part) {
    var kv = part.split('=');
    if (kv[0] === 'x' && axisIndex[kv[1]] !== undefined) state.axis = kv[1];
    if (kv[0] === 'logx') state.logX = kv[1] === '1';
    if (kv[0] === 'logy') state.logY = kv[1] === '1';
    if (kv[0] === 'stat' && (kv[1] === 'median' || kv[1] === 'mean')) state.stat = kv[1];
    if (kv[0] === 'seeds') state.seeds = kv[1] === '1';
  });
  var $ = function (id) { return document.getElementById(id); };
  $('x-axis').value = state.axis;
  $('log-x').checked = state.logX;
  $('log-y').checked = state.logY;
  $('band-stat').value = state.stat;
  $('show-seeds').checked = state.seeds;

  function rgba(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  // A log axis cannot show v <= 0: such a value becomes a gap.
  function onScale(v, log) { return v === null || v === undefined || (log && !(v > 0)) ? null : v; }

  // ---- the target table (works without Chart.js) ----
  function updateTargetTable() {
    var input = $('target');
    var target = Number(input.value);
    if (input.value.trim() === '' || !isFinite(target)) { input.classList.add('invalid'); return; }
    input.classList.remove('invalid');
    var cells = reachCells(data.target.groups, target, firstReach, quantileSorted);
    var rows = document.querySelectorAll('#target-table tbody tr');
    rows.forEach(function (row, i) {
      ['time', 'oracleCalls'].forEach(function (axis) {
        var td = row.querySelector('td[data-axis="' + axis + '"]');
        td.textContent = reachText(cells[i][axis], formatNumber);
        td.classList.toggle('not-reached', cells[i][axis].k === 0);
      });
    });
  }
  $('target').addEventListener('input', updateTargetTable);
  $('target').addEventListener('change', updateTargetTable);

  // ---- parallel coordinates (inline SVG, no Chart.js) ----
  var VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
  function ramp(t) {
    var x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    var i = Math.min(VIRIDIS.length - 2, Math.floor(x));
    var a = parseInt(VIRIDIS[i].slice(1), 16), b = parseInt(VIRIDIS[i + 1].slice(1), 16), f = x - i;
    var c = [16, 8, 0].map(function (s) { return Math.round(((a >> s) & 255) * (1 - f) + ((b >> s) & 255) * f); });
    return 'rgb(' + c.join(',') + ')';
  }
  function unit(axis, v) {
    if (v === null || v === undefined) return null;
    if (axis.max === axis.min) return 0.5;
    if (axis.log) return (Math.log(v) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
    return (v - axis.min) / (axis.max - axis.min);
  }
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function drawParallel() {
    var p = data.parallel;
    var holder = $('parallel-chart');
    if (!p || !holder) return;
    var by = $('parallel-color').value;
    var colorAxis = p.axes.findIndex(function (a) { return a.key === by && a.kind === 'metric'; });
    var width = Math.max(640, p.axes.length * 150), height = 380, top = 40, bottom = 40, left = 70, right = 70;
    var span = height - top - bottom;
    var xAt = function (i) { return left + (p.axes.length === 1 ? 0 : (i * (width - left - right)) / (p.axes.length - 1)); };
    var yAt = function (t) { return top + (1 - t) * span; };
    var svg = svgEl('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'parallel coordinates' });
    p.lines.forEach(function (line) {
      var d = '', pen = false;
      line.values.forEach(function (v, i) {
        var t = unit(p.axes[i], v);
        if (t === null) { pen = false; return; }
        d += (pen ? ' L' : ' M') + xAt(i).toFixed(1) + ' ' + yAt(t).toFixed(1);
        pen = true;
      });
      var color = line.color;
      if (colorAxis >= 0) {
        var t = unit(p.axes[colorAxis], line.values[colorAxis]);
        color = t === null ? '#bbbbbb' : ramp(t);
      }
      var path = svgEl('path', { d: d, fill: 'none', stroke: color, 'stroke-width': 1.5, 'stroke-opacity': 0.75, 'data-run': line.runId, 'data-method': line.method });
      path.appendChild(svgEl('title', {}, line.group + ' seed ' + line.seed));
      svg.appendChild(path);
    });
    p.axes.forEach(function (axis, i) {
      var x = xAt(i);
      var g = svgEl('g', { 'data-axis': axis.key });
      g.appendChild(svgEl('line', { x1: x, x2: x, y1: top, y2: top + span, stroke: '#444', 'stroke-width': 1 }));
      g.appendChild(svgEl('text', { x: x, y: top - 16, 'text-anchor': 'middle', 'font-weight': 600 }, axis.label + (axis.log ? ' (log)' : '')));
      var ticks = axis.categories ? axis.categories.map(function (c, k) { return { t: unit(axis, k), label: c }; })
        : [{ t: 0, label: formatNumber(axis.min) }, { t: 1, label: formatNumber(axis.max) }];
      if (!axis.categories && axis.max === axis.min) ticks = [{ t: 0.5, label: formatNumber(axis.min) }];
      ticks.forEach(function (tick) {
        g.appendChild(svgEl('line', { x1: x - 4, x2: x, y1: yAt(tick.t), y2: yAt(tick.t), stroke: '#444' }));
        g.appendChild(svgEl('text', { x: x - 6, y: yAt(tick.t) + 4, 'text-anchor': 'end' }, tick.label));
      });
      svg.appendChild(g);
    });
    holder.replaceChildren(svg);
    var legend = $('parallel-legend');
    legend.replaceChildren();
    if (colorAxis >= 0) {
      var axis = p.axes[colorAxis];
      var bar = document.createElement('span');
      bar.textContent = axis.label + ': ' + formatNumber(axis.min) + ' ';
      var grad = document.createElement('span');
      grad.className = 'swatch';
      grad.style.width = '120px';
      grad.style.background = 'linear-gradient(to right,' + VIRIDIS.join(',') + ')';
      bar.appendChild(grad);
      bar.appendChild(document.createTextNode(' ' + formatNumber(axis.max) + (axis.log ? ' (log)' : '')));
      legend.appendChild(bar);
    } else {
      var seen = {};
      p.lines.forEach(function (line) {
        if (seen[line.method]) return;
        seen[line.method] = true;
        var s = document.createElement('span');
        var sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = line.color;
        s.appendChild(sw);
        s.appendChild(document.createTextNode(line.method));
        legend.appendChild(s);
      });
    }
  }
  if (data.parallel) {
    $('parallel-color').addEventListener('change', drawParallel);
    drawParallel();
  }

  if (typeof Chart === 'undefined') {
    $('no-charts').hidden = false;
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;

  function tick(value) { return formatNumber(value); }
  // Chart.js's own log labels are long; label every tick within a decade, 1, 2 and 5 times a power
  // of ten up to three decades, and only the powers of ten beyond (else the labels overlap).
  function logTick(value, index, ticks) {
    var decades = Math.log10(ticks[ticks.length - 1].value / ticks[0].value);
    if (decades < 1) return tick(value);
    var m = Math.round((value / Math.pow(10, Math.floor(Math.log10(value)))) * 1000) / 1000;
    if (decades > 3) return m === 1 || m === 10 ? tick(value) : '';
    return m === 1 || m === 2 || m === 5 || m === 10 ? tick(value) : '';
  }
  // Horizontal x labels: rotated ones eat the plot's height.
  var X_TICKS = { maxRotation: 0, autoSkipPadding: 12 };
  function scale(log, title, ticks) {
    var t = { callback: log ? logTick : tick };
    Object.keys(ticks || {}).forEach(function (k) { t[k] = ticks[k]; });
    return { type: log ? 'logarithmic' : 'linear', title: { display: true, text: title }, ticks: t };
  }
  // Only the centre lines are named in the legend and the tooltip; bands and seeds are unnamed.
  function named(item) { return !item.dataset.unnamed; }
  function lineOptions(xScale, yScale) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: xScale, y: yScale },
      plugins: {
        legend: { position: 'bottom', labels: { filter: function (item, chartData) { return !chartData.datasets[item.datasetIndex].unnamed; } } },
        tooltip: { filter: named, callbacks: { label: function (c) { return c.dataset.label + ': ' + formatNumber(c.parsed.y); } } },
      },
    };
  }
  // Band points whose lower edge a log y axis cannot show (mean − CI ≤ 0): the band has a gap there.
  function cutInLog(points) {
    return state.logY ? points.filter(function (p) { return p.center > 0 && !(p.lower > 0); }).length : 0;
  }
  function cutNote(n) {
    return n > 0 ? 'log y: the band’s lower edge is ≤ 0 at ' + n + ' point(s), not drawn there' : '';
  }
  // A band as three datasets: lower (no line), upper filled down to lower, and the centre line.
  function bandDatasets(label, color, points, logY) {
    var at = function (k) { return points.map(function (p) { return { x: p.x, y: onScale(p[k], logY) }; }); };
    return [
      { label: label + ' lower', data: at('lower'), borderWidth: 0, pointRadius: 0, fill: false, unnamed: true },
      { label: label + ' upper', data: at('upper'), borderWidth: 0, pointRadius: 0, backgroundColor: rgba(color, 0.2), fill: '-1', unnamed: true },
      { label: label, data: at('center'), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: points.length > 30 ? 0 : 2.5, fill: false },
    ];
  }

  // ---- banded curves ----
  var curveCharts = [];
  function curveDatasets(metric) {
    var scaleKey = state.logX ? 'log' : 'lin';
    var byGroup = data.curves.bands[metric][state.axis][state.stat][scaleKey];
    var sets = [], empty = true, cut = 0;
    data.groups.forEach(function (g, gi) {
      if (state.hidden[g.key]) return;
      var points = byGroup[gi].filter(function (r) { return !state.logX || r[0] > 0; }).map(function (r) {
        return { x: r[0], center: r[1], lower: r[2], upper: r[3] };
      });
      if (points.length > 0) empty = false;
      cut += cutInLog(points);
      sets = sets.concat(bandDatasets(g.key, g.color, points, state.logY));
    });
    if (state.seeds) {
      var col = axisIndex[state.axis];
      data.curves.seeds.forEach(function (s) {
        var g = data.groups[s.group];
        if (state.hidden[g.key]) return;
        var pts = (s.series[metric] || []).map(function (r) { return { x: onScale(r[col], state.logX), y: onScale(r[r.length - 1], state.logY) }; })
          .filter(function (p) { return p.x !== null; });
        sets.push({ label: g.key + ' seed ' + s.seed, data: pts, borderColor: rgba(g.color, 0.45), borderWidth: 0.8, pointRadius: 0, fill: false, unnamed: true });
      });
    }
    return { sets: sets, empty: empty, cut: cut };
  }
  function axisLabel() {
    return data.curves.axes[axisIndex[state.axis]].label;
  }
  function drawCurves() {
    curveCharts.forEach(function (c) {
      var built = curveDatasets(c.metric.key);
      c.note.textContent = built.empty ? 'no data on this axis (the runs do not record it)' : cutNote(built.cut);
      c.chart.data.datasets = built.sets;
      c.chart.options.scales.x = scale(state.logX, axisLabel(), X_TICKS);
      c.chart.options.scales.y = scale(state.logY, c.metric.yLabel);
      c.chart.update('none');
    });
  }
  data.curves.metrics.forEach(function (metric) {
    var card = document.querySelector('#curves figure[data-metric="' + metric.key + '"]');
    var built = curveDatasets(metric.key);
    var options = Object.assign(lineOptions(scale(state.logX, axisLabel(), X_TICKS), scale(state.logY, metric.yLabel)), { parsing: false, normalized: true });
    // The groups are named once, in the legend above the charts (its boxes hide a group everywhere).
    options.plugins.legend.display = false;
    var chart = new Chart(card.querySelector('canvas'), { type: 'line', data: { datasets: built.sets }, options: options });
    var note = card.querySelector('.chart-note');
    note.textContent = built.empty ? 'no data on this axis (the runs do not record it)' : cutNote(built.cut);
    curveCharts.push({ metric: metric, chart: chart, note: note });
  });

  // ---- sensitivity ----
  var sensCharts = [];
  function sensitivityDatasets(spec, metric) {
    var sets = [], shown = 0, cut = 0;
    spec.methods.forEach(function (m) {
      var points = [];
      m.points.forEach(function (p) {
        var s = p.metrics[metric];
        if (!s || s.median === undefined) return;
        var x = spec.numeric ? p.value : String(p.value);
        if (state.stat === 'median') points.push({ x: x, center: s.median, lower: s.q20, upper: s.q80 });
        else points.push({ x: x, center: s.mean, lower: s.mean - (s.ci95 || 0), upper: s.mean + (s.ci95 || 0) });
      });
      shown += points.length;
      cut += cutInLog(points);
      sets = sets.concat(bandDatasets(m.method, m.color, points, state.logY));
    });
    return { sets: sets, empty: shown === 0, cut: cut };
  }
  function sensitivityX(spec) {
    if (!spec.numeric) return { type: 'category', labels: spec.values.map(String), title: { display: true, text: '--' + spec.flag } };
    var lo = Math.min.apply(null, spec.values), hi = Math.max.apply(null, spec.values);
    var x = scale(lo > 0 && hi / lo >= 20, '--' + spec.flag, { maxRotation: 0 });
    // Ticks at the swept values only: the values between were never run.
    x.afterBuildTicks = function (axis) { axis.ticks = spec.values.map(function (v) { return { value: v }; }); };
    x.min = lo;
    x.max = hi;
    return x;
  }
  function drawSensitivity() {
    if (!data.sensitivity) return;
    var metric = $('sensitivity-metric').value;
    sensCharts.forEach(function (c) {
      var built = sensitivityDatasets(c.spec, metric);
      c.note.textContent = built.empty ? 'no run has ' + metric : cutNote(built.cut);
      c.chart.data.datasets = built.sets;
      c.chart.options.scales.y = scale(state.logY, metric);
      c.chart.update('none');
    });
  }
  if (data.sensitivity) {
    data.sensitivity.charts.forEach(function (spec) {
      var card = document.querySelector('#sensitivity figure[data-option="' + spec.flag + '"]');
      var metric = $('sensitivity-metric').value;
      var built = sensitivityDatasets(spec, metric);
      var chart = new Chart(card.querySelector('canvas'), { type: 'line', data: { datasets: built.sets }, options: lineOptions(sensitivityX(spec), scale(state.logY, metric)) });
      var note = card.querySelector('.chart-note');
      note.textContent = built.empty ? 'no run has ' + metric : cutNote(built.cut);
      sensCharts.push({ spec: spec, chart: chart, note: note });
    });
    $('sensitivity-metric').addEventListener('change', drawSensitivity);
  }

  function onControl() {
    state.axis = $('x-axis').value;
    state.logX = $('log-x').checked;
    state.logY = $('log-y').checked;
    state.stat = $('band-stat').value;
    state.seeds = $('show-seeds').checked;
    state.hidden = {};
    document.querySelectorAll('#group-legend input[data-group]').forEach(function (box) { if (!box.checked) state.hidden[box.getAttribute('data-group')] = true; });
    drawCurves();
    drawSensitivity();
  }
  ['x-axis', 'log-x', 'log-y', 'band-stat', 'show-seeds'].forEach(function (id) { $(id).addEventListener('change', onControl); });
  document.querySelectorAll('#group-legend input[data-group]').forEach(function (box) { box.addEventListener('change', onControl); });
`;

/** The page script: the controls, the banded charts, the target table's recomputation, sensitivity and parallel coordinates. */
export const SWEEP_REPORT_SCRIPT = `(function () {
  'use strict';
  var formatNumber = ${formatNumber.toString()};
  var firstReach = ${firstReach.toString()};
  var quantileSorted = ${quantileSorted.toString()};
  var reachCells = ${reachCells.toString()};
  var reachText = ${reachText.toString()};
${PAGE_BODY}})();
`;
