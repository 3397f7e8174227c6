// The browser side of the `compare --report` page, as a plain script string that writeReport.ts
// inlines after Chart.js. It only draws: the chart specs (series, decimation, histograms) were
// computed in Node by reportData.ts and sit in the `report-charts` JSON block. The page body is kept
// ES2017 and free of template literals so it can live in a String.raw string unchanged; its number
// format is src/common/format.ts's formatNumber, inlined as source (that function is self-contained).
import { formatNumber } from '../common/format';

const PAGE_BODY = String.raw`
  if (typeof Chart === 'undefined') {
    document.getElementById('no-charts').hidden = false;
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;
  var charts = JSON.parse(document.getElementById('report-charts').textContent);
  var toggles = [];

  // A log axis cannot show y <= 0: those points are dropped in log mode (zero counts too).
  function lineData(series, log) {
    return log ? series.points.filter(function (p) { return p.y > 0; }) : series.points;
  }
  function barData(series, log) {
    return series.counts.map(function (c) { return log && c <= 0 ? null : c; });
  }

  // Chart.js prints tiny linear ticks as 9.0000000E-7; the report's number format reads better.
  function linearTick(value) {
    return formatNumber(value);
  }

  // Chart.js's own log labels are long (5.0000000000E-10); label 1, 2 and 5 times a power of ten,
  // or every tick when the axis spans less than a decade (else it might show no label at all).
  function logTick(value, index, ticks) {
    var first = ticks[0].value;
    var last = ticks[ticks.length - 1].value;
    if (last / first < 10) return linearTick(value);
    var m = Math.round((value / Math.pow(10, Math.floor(Math.log10(value)))) * 1000) / 1000;
    return m === 1 || m === 2 || m === 5 || m === 10 ? linearTick(value) : '';
  }

  function lineConfig(spec) {
    return {
      type: 'line',
      data: {
        // Chart.js draws the first dataset on top; widening the later ones keeps every method
        // visible where exact methods give the same curve.
        datasets: spec.series.map(function (s, i) {
          // Baselines are constants: a thin dashed line without points.
          if (s.dashed) {
            return { label: s.label, data: lineData(s, false), borderColor: s.color, backgroundColor: s.color, borderWidth: 1.25, borderDash: [6, 4], pointRadius: 0, tension: 0 };
          }
          return {
            label: s.label,
            data: lineData(s, false),
            borderColor: s.color,
            backgroundColor: s.color,
            borderWidth: 1.5 + 0.75 * i,
            pointRadius: s.points.length > 60 ? 0 : Math.min(1.5 + 0.5 * i, 3),
            tension: 0,
          };
        }),
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'outer iteration' }, ticks: { precision: 0 } },
          y: { type: 'linear', title: { display: true, text: spec.yLabel }, ticks: { callback: linearTick } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    };
  }

  function barConfig(spec) {
    return {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return { label: s.label, data: barData(s, false), backgroundColor: s.color };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { title: { display: true, text: spec.xLabel } },
          y: { type: 'linear', beginAtZero: true, title: { display: true, text: spec.yLabel }, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    };
  }

  function hiddenInLog(spec) {
    var n = 0;
    spec.series.forEach(function (s) {
      if (spec.kind === 'line') n += s.points.filter(function (p) { return !(p.y > 0); }).length;
    });
    return n;
  }

  function setLog(chart, spec, log, note) {
    var hidden = log ? hiddenInLog(spec) : 0;
    note.textContent = hidden > 0 ? 'log scale: ' + hidden + ' point(s) \u2264 0 not shown' : '';
    chart.options.scales.y.type = log ? 'logarithmic' : 'linear';
    if (spec.kind === 'line') chart.options.scales.y.ticks.callback = log ? logTick : linearTick;
    chart.data.datasets.forEach(function (d, i) {
      d.data = spec.kind === 'line' ? lineData(spec.series[i], log) : barData(spec.series[i], log);
    });
    chart.update('none');
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  charts.forEach(function (spec) {
    var grid = document.getElementById('charts-' + spec.section);
    if (!grid) return;
    var card = el('figure', 'chart-card');
    var head = el('figcaption', 'chart-head');
    head.appendChild(el('span', 'chart-title', spec.title));
    var toggle = el('label', 'log-toggle');
    var box = document.createElement('input');
    box.type = 'checkbox';
    toggle.appendChild(box);
    toggle.appendChild(document.createTextNode(' log y'));
    head.appendChild(toggle);
    card.appendChild(head);
    if (spec.kind === 'line') {
      var notes = spec.series.filter(function (s) { return s.rawLength > s.points.length; }).map(function (s) {
        return s.label + ': ' + s.rawLength + ' \u2192 ' + s.points.length + ' points';
      });
      if (notes.length > 0) card.appendChild(el('div', 'chart-note', 'decimated (min/max per bucket) \u2014 ' + notes.join(', ')));
    }
    var logNote = el('div', 'chart-note');
    card.appendChild(logNote);
    var holder = el('div', 'chart-canvas');
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', spec.title);
    holder.appendChild(canvas);
    card.appendChild(holder);
    grid.appendChild(card);
    var chart = new Chart(canvas, spec.kind === 'line' ? lineConfig(spec) : barConfig(spec));
    box.addEventListener('change', function () { setLog(chart, spec, box.checked, logNote); });
    // Metrics that span decades (norms, distances) start on a log axis; the box switches back.
    if (spec.logY) {
      box.checked = true;
      setLog(chart, spec, true, logNote);
    }
    toggles.push(box);
  });

  // One switch for every chart at once; each chart's own box still works afterwards.
  var all = document.getElementById('log-all');
  all.hidden = false;
  all.querySelector('input').addEventListener('change', function (e) {
    toggles.forEach(function (box) {
      if (box.checked !== e.target.checked) {
        box.checked = e.target.checked;
        box.dispatchEvent(new Event('change'));
      }
    });
  });
`;

/** The page script: one Chart.js chart per spec, each with a linear/log toggle for its y axis. */
export const REPORT_SCRIPT = `(function () {
  'use strict';
  var formatNumber = ${formatNumber.toString()};
${PAGE_BODY}})();
`;
