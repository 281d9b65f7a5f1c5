// Chart cards: scenario panels (scatter, time series, histogram) and the built-in metric charts, drawn with uPlot.
import { PALETTE, alpha, compact, el, esc, fmt, niceMax } from './format.js';

/* global uPlot */
const CHART_HEIGHT = 205;
const RECENT_POINTS = 12;

let state;
let chartsEl;

/** Binds the charts to the page state and the element that holds the cards. */
export function initCharts(appState, container) {
  state = appState;
  chartsEl = container;
}

export function createPanel(id, def, builtin) {
  const card = el('article', 'card chart-card');
  card.dataset.panelId = id;
  card.dataset.kind = def.kind;
  card.dataset.points = '0';
  const head = el('header', 'card-head');
  head.append(el('h2', null, def.title));
  const meta = el('span', 'card-meta', '');
  head.append(meta);
  const legend = el('div', 'legend');
  const chart = el('div', 'chart');
  const placeholder = el('div', 'placeholder', builtin ? builtin.empty : 'Waiting for data…');
  chart.append(placeholder);
  card.append(head, legend, chart);

  const panel = {
    id, def, card, meta, legend, chart, placeholder, builtin: builtin || null,
    points: [], arrivals: 0, total: 0, categories: [], counts: [],
    plot: null, plotKey: '', dirty: true, hoverIdx: null,
  };

  // Scenario panels first, in the order they were added; the built-in metric charts after them.
  const firstBuiltin = chartsEl.querySelector('[data-builtin="true"]');
  if (builtin) card.dataset.builtin = 'true';
  if (!builtin && firstBuiltin) chartsEl.insertBefore(card, firstBuiltin); else chartsEl.append(card);

  panel.resize = new ResizeObserver(() => {
    if (panel.plot) {
      const w = chartWidth(panel);
      if (Math.abs(panel.plot.width - w) > 1) panel.plot.setSize({ width: w, height: CHART_HEIGHT });
    }
  });
  panel.resize.observe(chart);
  state.panels.set(id, panel);
  return panel;
}

export function destroyPanel(panel) {
  if (panel.plot) panel.plot.destroy();
  panel.resize.disconnect();
  panel.card.remove();
}

const chartWidth = (panel) => Math.max(200, panel.chart.clientWidth - 12);

export function renderPanel(panel) {
  panel.dirty = false;
  switch (panel.def.kind) {
    case 'scatter': renderScatter(panel); break;
    case 'timeseries': renderTimeSeries(panel); break;
    case 'histogram': renderHistogram(panel); break;
    case 'metrics': renderMetricChart(panel); break;
    default: break;
  }
}

function showPlaceholder(panel, show) {
  panel.placeholder.style.display = show ? '' : 'none';
}

function baseOptions(panel, extra) {
  return Object.assign({
    width: chartWidth(panel),
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { points: { size: 7 }, drag: { x: false, y: false } },
    padding: [10, 10, 0, 0],
  }, extra);
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const timeAxis = () => axis(null, { size: 28, values: (u, splits) => splits.map((v) => timeFormat.format(new Date(v * 1000))), space: 70 });

function axis(label, extra) {
  return Object.assign({
    label,
    labelSize: label ? 18 : 0,
    labelFont: '600 11px ' + getComputedStyle(document.body).fontFamily,
    font: '11px ' + getComputedStyle(document.body).fontFamily,
    stroke: '#505b6b',
    grid: { stroke: '#edf0f5', width: 1 },
    ticks: { stroke: '#dfe4ec', width: 1, size: 4 },
    size: 46,
  }, extra);
}

// Scatter: uPlot needs ascending x, so points are sorted on each render; the newest points form a second,
// stronger series so that the eye sees where the stream currently lands.
function renderScatter(panel) {
  const color = PALETTE[0];
  const pts = panel.points.slice().sort((a, b) => a[0] - b[0]);
  const xs = [], ys = [], recent = [], ident = [];
  const threshold = panel.arrivals - RECENT_POINTS;
  let lo = Infinity, hi = -Infinity;
  for (const p of pts) {
    const x = p[0], y = p[1];
    xs.push(x); ys.push(y); recent.push(p[2] > threshold ? y : null); ident.push(x);
    if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    if (y !== null) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
  }
  panel.card.dataset.points = String(pts.length);
  panel.card.dataset.total = String(panel.total);
  panel.meta.textContent = `${fmt(panel.total)} points`;
  showPlaceholder(panel, pts.length === 0);

  const key = 'scatter';
  const data = panel.def.identityLine ? [xs, ys, recent, ident] : [xs, ys, recent];
  const pad = Number.isFinite(lo) ? Math.max((hi - lo) * 0.05, 1e-9) : 1;
  const range = Number.isFinite(lo) ? [lo - pad, hi + pad] : [0, 1];
  if (!panel.plot || panel.plotKey !== key) {
    if (panel.plot) panel.plot.destroy();
    const series = [
      {},
      { label: 'points', stroke: color, fill: alpha(color, 0.25), paths: () => null, points: { show: true, size: 5, width: 1, stroke: alpha(color, 0.55), fill: alpha(color, 0.22) } },
      { label: 'latest', stroke: '#e8590c', paths: () => null, points: { show: true, size: 7, width: 1.5, stroke: '#c2410c', fill: alpha('#e8590c', 0.85) } },
    ];
    if (panel.def.identityLine) series.push({ label: 'y = x', stroke: '#94a3b8', width: 1.5, dash: [6, 5], points: { show: false } });
    const equal = panel.def.identityLine;
    const opts = baseOptions(panel, {
      scales: equal
        ? { x: { time: false, range: () => panel.range }, y: { range: () => panel.range } }
        : { x: { time: false }, y: {} },
      axes: [axis(panel.def.xLabel), axis(panel.def.yLabel)],
      series,
    });
    panel.range = range;
    panel.plot = new uPlot(opts, data, panel.chart);
    panel.plotKey = key;
    renderLegend(panel, [
      { label: 'points', color, kind: 'dot' },
      { label: `latest ${RECENT_POINTS}`, color: '#e8590c', kind: 'dot' },
      ...(panel.def.identityLine ? [{ label: 'y = x', color: '#94a3b8', kind: 'dashed' }] : []),
    ]);
  } else {
    panel.range = range;
    panel.plot.setData(data);
  }
}

function renderTimeSeries(panel) {
  const series = panel.def.series;
  const n = series.length;
  const cols = [[]];
  for (let i = 0; i < n; i++) cols.push([]);
  const pts = panel.points;
  // Points arrive in time order from one publisher; sort only when they do not.
  let sorted = true;
  for (let i = 1; i < pts.length; i++) if (pts[i][0] < pts[i - 1][0]) { sorted = false; break; }
  const ordered = sorted ? pts : pts.slice().sort((a, b) => a[0] - b[0]);
  for (const p of ordered) for (let i = 0; i <= n; i++) cols[i].push(p[i]);
  panel.card.dataset.points = String(pts.length);
  panel.card.dataset.total = String(panel.total);
  panel.meta.textContent = `${fmt(panel.total)} points`;
  showPlaceholder(panel, pts.length === 0);

  if (!panel.plot) {
    const hasRight = series.some((s) => s.rightAxis);
    const useSeries = [{}];
    series.forEach((s, i) => {
      const color = s.color || PALETTE[i % PALETTE.length];
      s._color = color;
      useSeries.push({
        label: s.name,
        stroke: color,
        width: 2,
        scale: s.rightAxis ? 'y2' : 'y',
        fill: n === 1 ? alpha(color, 0.08) : undefined,
        paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        spanGaps: true,
        points: { show: false },
      });
    });
    const axes = [timeAxis(), axis(panel.def.yLabel)];
    const rightLabel = series.filter((s) => s.rightAxis).map((s) => s.name + (s.unit ? ` (${s.unit})` : '')).join(', ');
    // A stepped right-axis series is a class or a level: whole-number ticks only.
    const discrete = series.filter((s) => s.rightAxis).every((s) => s.stepped);
    if (hasRight) axes.push(axis(rightLabel, { scale: 'y2', side: 1, grid: { show: false }, ...(discrete ? { incrs: [1, 2, 5, 10, 20, 50, 100] } : {}) }));
    const opts = baseOptions(panel, {
      scales: { x: { time: true }, y: {}, ...(hasRight ? { y2: {} } : {}) },
      // Room on the right for the last time label when no axis is there.
      padding: [10, hasRight ? 10 : 28, 0, 0],
      axes,
      series: useSeries,
      hooks: { setCursor: [(u) => { panel.hoverIdx = u.cursor.idx; updateSeriesLegend(panel); }] },
    });
    panel.plot = new uPlot(opts, cols, panel.chart);
  } else {
    panel.plot.setData(cols);
  }
  panel.cols = cols;
  updateSeriesLegend(panel);
}

function updateSeriesLegend(panel) {
  const cols = panel.cols;
  if (!cols) return;
  const last = cols[0].length - 1;
  const idx = panel.hoverIdx !== null && panel.hoverIdx !== undefined ? panel.hoverIdx : last;
  renderLegend(panel, panel.def.series.map((s, i) => ({
    label: s.name,
    color: s._color,
    kind: 'line',
    value: idx >= 0 ? fmt(cols[i + 1][idx]) + (s.unit ? ' ' + s.unit : '') : '',
  })));
}

// Bars are drawn in a draw hook: uPlot supplies scales, axes and the cursor, which keeps grouped bars simple.
function renderHistogram(panel) {
  const cats = panel.categories;
  const counts = panel.counts;
  const names = panel.def.series;
  let max = 0, sum = 0;
  for (const list of counts) for (const v of list) { if (v > max) max = v; sum += v || 0; }
  panel.card.dataset.bars = String(cats.length);
  panel.card.dataset.sum = String(sum);
  panel.card.dataset.points = String(cats.length);
  panel.meta.textContent = cats.length ? `${fmt(cats.length)} bins · ${fmt(sum)} total` : '';
  showPlaceholder(panel, cats.length === 0);
  const xs = cats.map((_, i) => i);
  const data = [xs, xs.map(() => max)];
  const key = 'hist:' + cats.length;
  if (!panel.plot || panel.plotKey !== key) {
    if (panel.plot) panel.plot.destroy();
    const step = Math.max(1, Math.ceil(cats.length / 16));
    const opts = baseOptions(panel, {
      scales: {
        x: { time: false, range: () => [-0.5, Math.max(0.5, panel.categories.length - 0.5)] },
        y: { range: (u, lo, hi) => [0, niceMax(hi)] },
      },
      axes: [
        axis(panel.def.xLabel, {
          splits: () => { const s = []; for (let i = 0; i < panel.categories.length; i += step) s.push(i); return s; },
          values: (u, splits) => splits.map((i) => panel.categories[i] ?? ''),
          grid: { show: false },
        }),
        axis(panel.def.yLabel),
      ],
      series: [{}, { label: 'max', stroke: 'transparent', paths: () => null, points: { show: false } }],
      cursor: { points: { show: false }, drag: { x: false, y: false }, y: false },
      hooks: {
        draw: [(u) => drawBars(u, panel)],
        setCursor: [(u) => { panel.hoverIdx = u.cursor.idx; histogramLegend(panel); }],
      },
    });
    panel.plot = new uPlot(opts, data, panel.chart);
    panel.plotKey = key;
  } else {
    panel.plot.setData(data);
  }
  histogramLegend(panel);
}

function drawBars(u, panel) {
  const ctx = u.ctx;
  const n = panel.def.series.length;
  const cats = panel.categories.length;
  if (!cats) return;
  const slot = Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
  const groupWidth = slot * (cats > 40 ? 0.92 : 0.78);
  const barWidth = groupWidth / n;
  const y0 = u.valToPos(0, 'y', true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  for (let s = 0; s < n; s++) {
    const color = PALETTE[s % PALETTE.length];
    ctx.fillStyle = alpha(color, 0.82);
    const list = panel.counts[s] || [];
    for (let i = 0; i < cats; i++) {
      const v = list[i];
      if (!(v > 0)) continue;
      const cx = u.valToPos(i, 'x', true);
      const x = cx - groupWidth / 2 + s * barWidth;
      const y = u.valToPos(v, 'y', true);
      const w = Math.max(1, barWidth - (barWidth > 6 ? 1.5 : 0.5));
      const r = Math.min(3, w / 3);
      roundedTop(ctx, x, y, w, y0 - y, r);
    }
  }
  if (panel.hoverIdx !== null && panel.hoverIdx !== undefined) {
    const cx = u.valToPos(panel.hoverIdx, 'x', true);
    ctx.fillStyle = 'rgba(15, 23, 42, 0.05)';
    ctx.fillRect(cx - slot / 2, u.bbox.top, slot, u.bbox.height);
  }
  ctx.restore();
}

function roundedTop(ctx, x, y, w, h, r) {
  if (h <= 0) return;
  r = Math.min(r, h);
  ctx.beginPath();
  ctx.moveTo(x, y + h);
  ctx.lineTo(x, y + r);
  ctx.quadraticCurveTo(x, y, x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.quadraticCurveTo(x + w, y, x + w, y + r);
  ctx.lineTo(x + w, y + h);
  ctx.closePath();
  ctx.fill();
}

function histogramLegend(panel) {
  const idx = panel.hoverIdx;
  const hovering = idx !== null && idx !== undefined && idx < panel.categories.length;
  const items = panel.def.series.map((name, s) => ({
    label: name,
    color: PALETTE[s % PALETTE.length],
    kind: 'box',
    value: hovering ? fmt((panel.counts[s] || [])[idx]) : '',
  }));
  if (hovering) items.unshift({ label: `${panel.def.xLabel || 'bin'} ${panel.categories[idx]}`, kind: 'text' });
  renderLegend(panel, items);
}

function renderLegend(panel, items) {
  const html = items.map((it) => {
    if (it.kind === 'text') return `<span class="legend-item"><b>${esc(it.label)}</b></span>`;
    const cls = it.kind === 'line' ? 'swatch line' : it.kind === 'dashed' ? 'swatch dashed' : 'swatch';
    const style = it.kind === 'dashed' ? `border-color:${it.color}` : `background:${it.color}${it.kind === 'dot' ? ';border-radius:50%' : ''}`;
    const value = it.value ? ` <b>${esc(it.value)}</b>` : '';
    return `<span class="legend-item"><span class="${cls}" style="${esc(style)}"></span>${esc(it.label)}${value}</span>`;
  }).join('');
  if (panel.legendHtml !== html) { panel.legend.innerHTML = html; panel.legendHtml = html; }
}

// ---------- built-in metric charts ----------

export function ensureMetricPanels() {
  if (state.config.metrics === false) return;
  if (!state.panels.has('__throughput')) {
    createPanel('__throughput', { kind: 'metrics', title: 'Throughput', metric: 'rate', unit: '/s' }, { empty: 'No NgsiFlow.* counters recorded yet' });
  }
  if (!state.panels.has('__latency')) {
    createPanel('__latency', { kind: 'metrics', title: 'Latency', metric: 'latency', unit: 'ms' }, { empty: 'No NgsiFlow.* timings recorded yet' });
  }
}

export function markMetricPanels() {
  for (const id of ['__throughput', '__latency']) { const p = state.panels.get(id); if (p) p.dirty = true; }
}

function renderMetricChart(panel) {
  const hist = state.metricHistory;
  const latest = hist.length ? hist[hist.length - 1] : null;
  let names;
  if (panel.def.metric === 'rate') {
    const totals = new Map();
    for (const h of hist) for (const [k, v] of Object.entries(h.rate || {})) totals.set(k, (totals.get(k) || 0) + v);
    names = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a)).slice(0, 6).sort();
  } else {
    const seen = new Set();
    for (const h of hist) for (const k of Object.keys(h.p99 || {})) seen.add(k);
    names = [...seen].sort().slice(0, 4);
  }
  const series = [];
  names.forEach((name, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (panel.def.metric === 'rate') series.push({ name, label: shortName(name), color, get: (h) => (h.rate || {})[name] });
    else {
      series.push({ name, label: shortName(name) + ' p99', color, get: (h) => (h.p99 || {})[name] });
      series.push({ name, label: shortName(name) + ' p50', color, dash: true, get: (h) => (h.p50 || {})[name] });
    }
  });
  const cols = [hist.map((h) => h.t), ...series.map((s) => hist.map((h) => { const v = s.get(h); return v === undefined ? null : v; }))];
  panel.card.dataset.points = String(hist.length);
  panel.card.dataset.series = String(series.length);
  panel.meta.textContent = panel.def.metric === 'rate' ? 'per second' : 'ms · solid p99, dashed p50';
  showPlaceholder(panel, series.length === 0);
  const key = series.map((s) => s.label).join('|');
  if (!panel.plot || panel.plotKey !== key) {
    if (panel.plot) panel.plot.destroy();
    panel.plot = null;
    panel.plotKey = key;
    if (!series.length) { renderLegend(panel, []); return; }
    const opts = baseOptions(panel, {
      scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, niceMax(hi)] } },
      padding: [10, 28, 0, 0],
      axes: [timeAxis(), axis(null, { values: (u, splits) => splits.map((v) => compact(v)) })],
      series: [{}, ...series.map((s) => ({
        label: s.label, stroke: s.color, width: s.dash ? 1.5 : 2, dash: s.dash ? [5, 4] : undefined,
        fill: series.length === 1 ? alpha(s.color, 0.08) : undefined, spanGaps: true, points: { show: false },
      }))],
    });
    panel.plot = new uPlot(opts, cols, panel.chart);
  } else {
    panel.plot.setData(cols);
  }
  const lastOf = (i) => (latest ? fmt(cols[i + 1][cols[i + 1].length - 1]) : '');
  if (panel.def.metric === 'rate') {
    renderLegend(panel, series.map((s, i) => ({ label: s.label, color: s.color, kind: 'line', value: lastOf(i) })));
  } else {
    const items = [];
    for (let i = 0; i < series.length; i += 2) {
      items.push({ label: shortName(series[i].name), color: series[i].color, kind: 'line', value: `p99 ${lastOf(i)} · p50 ${lastOf(i + 1)}` });
    }
    renderLegend(panel, items);
  }
}

function shortName(name) {
  return name.replace(/^ngsiflow[._]/i, '');
}
