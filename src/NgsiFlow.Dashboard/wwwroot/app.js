// NgsiFlow live dashboard: applies the server's snapshot and update frames (server-sent events) to the page.
// Frames arrive at most a few times a second; rendering is batched into animation frames.
'use strict';

(() => {
  const PALETTE = ['#2563eb', '#e8590c', '#0f9d58', '#9333ea', '#d63384', '#0891b2', '#ca8a04', '#475569'];
  const CHART_HEIGHT = 205;
  const RECENT_POINTS = 12;
  const SPARK_POINTS = 60;
  const ENTITY_ROWS = 60;
  const ENTITY_COLUMNS = 14;

  const state = {
    config: { maxPointsPerPanel: 2000, maxEntities: 200, frameIntervalMs: 250 },
    job: null,
    values: new Map(),
    panels: new Map(),
    entities: new Map(),
    subscriptions: [],
    metricRows: [],
    metricHistory: [],
    frames: 0,
    lastFrameAt: 0,
    dirty: { job: false, values: false, entities: false, subscriptions: false, metrics: false },
  };

  const $ = (id) => document.getElementById(id);
  const chartsEl = $('charts');
  const kpisEl = $('kpis');

  // ---------- formatting ----------

  const nf = (max, min = 0) => new Intl.NumberFormat('en-US', { maximumFractionDigits: max, minimumFractionDigits: min });
  const fmtInt = nf(0);
  const fmt1 = nf(1);
  const fmt3 = nf(3);

  function fmt(v, decimals) {
    if (v === null || v === undefined || typeof v !== 'number' || !Number.isFinite(v)) return '–';
    if (decimals !== undefined && decimals !== null) return nf(decimals, decimals).format(v);
    if (Number.isInteger(v)) return fmtInt.format(v);
    const a = Math.abs(v);
    if (a >= 1000) return fmt1.format(v);
    if (a >= 1) return fmt3.format(v);
    if (a === 0) return '0';
    return Number(v.toPrecision(3)).toString();
  }

  function fmtValue(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v === 'number') return fmt(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function ago(ms) {
    if (!ms) return '–';
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 2) return 'just now';
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.floor(s / 60)} min ago`;
    return `${Math.floor(s / 3600)} h ago`;
  }

  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const pad = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${pad(m)}:${pad(r)}`;
  }

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  function alpha(hex, a) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---------- frames ----------

  function applySnapshot(frame) {
    for (const p of state.panels.values()) destroyPanel(p);
    state.panels.clear();
    state.values.clear();
    state.entities.clear();
    state.subscriptions = [];
    state.metricRows = [];
    state.metricHistory = [];
    kpisEl.replaceChildren();
    if (frame.config) Object.assign(state.config, frame.config);
    if (state.config.metrics === false) $('metrics-empty').textContent = 'This job does not collect metrics.';
    // A snapshot lists entities most recent first; updates arrive oldest first, which is the order the map keeps.
    if (frame.entities) frame.entities.reverse();
    applyUpdate(frame);
    for (const k of Object.keys(state.dirty)) state.dirty[k] = true;
    ensureMetricPanels();
  }

  function applyUpdate(frame) {
    state.frames++;
    state.lastFrameAt = Date.now();
    document.body.dataset.frames = String(state.frames);
    document.body.dataset.seq = String(frame.seq);

    if (frame.job) { state.job = frame.job; state.dirty.job = true; }

    if (frame.values) {
      for (const v of frame.values) {
        let entry = state.values.get(v.name);
        if (!entry) { entry = { name: v.name, spark: [] }; state.values.set(v.name, entry); }
        entry.value = v.value;
        if (v.unit !== undefined) entry.unit = v.unit;
        if (v.decimals !== undefined) entry.decimals = v.decimals;
        if (typeof v.value === 'number') {
          entry.spark.push(v.value);
          if (entry.spark.length > SPARK_POINTS) entry.spark.shift();
        }
      }
      state.dirty.values = true;
    }

    if (frame.panels) for (const p of frame.panels) applyPanel(p);

    if (frame.subscriptions) { state.subscriptions = frame.subscriptions; state.dirty.subscriptions = true; }

    if (frame.metrics) {
      state.metricRows = frame.metrics.rows || [];
      for (const h of frame.metrics.history || []) state.metricHistory.push(h);
      const cap = 600;
      if (state.metricHistory.length > cap) state.metricHistory.splice(0, state.metricHistory.length - cap);
      state.dirty.metrics = true;
      ensureMetricPanels();
      markMetricPanels();
    }

    if (frame.entities) {
      for (const e of frame.entities) {
        // Entities arrive as whole rows; keep the latest and the order of last update.
        state.entities.delete(e.id);
        state.entities.set(e.id, e);
      }
      state.dirty.entities = true;
    }
    if (frame.removedEntities) {
      for (const id of frame.removedEntities) state.entities.delete(id);
      state.dirty.entities = true;
    }

    scheduleRender();
  }

  function applyPanel(p) {
    let panel = state.panels.get(p.id);
    if (p.def) {
      if (panel) destroyPanel(panel);
      panel = createPanel(p.id, p.def);
    }
    if (!panel) return;
    if (p.reset) { panel.points = []; panel.arrivals = 0; }
    if (p.points) {
      for (const pt of p.points) {
        panel.arrivals++;
        pt.push(panel.arrivals);
        panel.points.push(pt);
      }
      const cap = state.config.maxPointsPerPanel || 2000;
      if (panel.points.length > cap) panel.points.splice(0, panel.points.length - cap);
    }
    if (p.total !== undefined) panel.total = p.total;
    if (p.categories) { panel.categories = p.categories; panel.counts = p.counts || []; }
    panel.dirty = true;
  }

  // ---------- panels ----------

  function createPanel(id, def, builtin) {
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

  function destroyPanel(panel) {
    if (panel.plot) panel.plot.destroy();
    panel.resize.disconnect();
    panel.card.remove();
  }

  const chartWidth = (panel) => Math.max(200, panel.chart.clientWidth - 12);

  function renderPanel(panel) {
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
      stroke: '#5d6878',
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

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * 1.04) return m * p;
    return v * 1.1;
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

  function ensureMetricPanels() {
    if (state.config.metrics === false) return;
    if (!state.panels.has('__throughput')) {
      createPanel('__throughput', { kind: 'metrics', title: 'Throughput', metric: 'rate', unit: '/s' }, { empty: 'No NgsiFlow.* counters recorded yet' });
    }
    if (!state.panels.has('__latency')) {
      createPanel('__latency', { kind: 'metrics', title: 'Latency', metric: 'latency', unit: 'ms' }, { empty: 'No NgsiFlow.* timings recorded yet' });
    }
  }

  function markMetricPanels() {
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

  function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e6) return fmt1.format(v / 1e6) + 'M';
    if (a >= 1e4) return fmt1.format(v / 1e3) + 'k';
    return fmt(v);
  }

  // ---------- key values, job, tables ----------

  function renderValues() {
    for (const entry of state.values.values()) {
      if (!entry.card) {
        const card = el('div', 'card kpi');
        card.dataset.name = entry.name;
        const label = el('div', 'kpi-label', entry.name);
        const value = el('div', 'kpi-value');
        const spark = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        spark.setAttribute('class', 'kpi-spark');
        spark.setAttribute('viewBox', '0 0 100 26');
        spark.setAttribute('preserveAspectRatio', 'none');
        card.append(label, value, spark);
        kpisEl.append(card);
        entry.card = card; entry.valueEl = value; entry.sparkEl = spark;
        entry.color = PALETTE[kpisEl.children.length - 1] || PALETTE[0];
      }
      entry.card.dataset.value = String(entry.value);
      const unit = entry.unit ? `<span class="kpi-unit">${esc(entry.unit)}</span>` : '';
      entry.valueEl.innerHTML = esc(fmt(entry.value, entry.decimals)) + unit;
      renderSpark(entry);
    }
  }

  function renderSpark(entry) {
    const vals = entry.spark;
    entry.sparkEl.style.display = vals.length < 2 ? 'none' : '';
    if (vals.length < 2) { entry.sparkEl.innerHTML = ''; return; }
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += 1; lo -= 1; }
    const pts = vals.map((v, i) => `${(i / (vals.length - 1)) * 100},${24 - ((v - lo) / (hi - lo)) * 22}`);
    const lastX = 100;
    entry.sparkEl.innerHTML = `<polygon points="0,26 ${pts.join(' ')} ${lastX},26" fill="${entry.color}"/><polyline points="${pts.join(' ')}" stroke="${entry.color}"/>`;
  }

  function renderJob() {
    const job = state.job;
    if (!job) return;
    $('job-name').textContent = job.name;
    document.title = `${job.name} · NgsiFlow`;
    const pill = $('job-state');
    pill.dataset.state = job.state;
    pill.textContent = job.state;
    $('job-detail').textContent = job.detail || '';
  }

  function renderEntities() {
    const table = $('entities');
    const all = [...state.entities.values()].reverse();
    const rows = all.slice(0, ENTITY_ROWS);
    const columns = [];
    const seen = new Set();
    for (const e of rows) for (const k of Object.keys(e.attrs)) if (!seen.has(k) && columns.length < ENTITY_COLUMNS) { seen.add(k); columns.push(k); }
    const numeric = new Set(columns.filter((c) => rows.every((e) => e.attrs[c] === undefined || e.attrs[c] === null || typeof e.attrs[c] === 'number')));
    const headKey = columns.join('\u0000');
    if (table.dataset.head !== headKey) {
      table.tHead.innerHTML = '<tr><th>Entity</th><th>Type</th>' + columns.map((c) => `<th class="attr${numeric.has(c) ? ' num' : ''}">${esc(c)}</th>`).join('') + '<th class="num">Updated</th></tr>';
      table.dataset.head = headKey;
    }
    const now = Date.now();
    table.tBodies[0].innerHTML = rows.map((e) => {
      const cells = columns.map((c) => `<td class="${numeric.has(c) ? 'num' : ''}">${esc(fmtValue(e.attrs[c]))}</td>`).join('');
      return `<tr class="${now - e.updatedAt < 1500 ? 'fresh' : ''}" data-entity-id="${esc(e.id)}"><td class="id">${esc(e.id)}</td><td class="type">${esc(e.type)}</td>${cells}<td class="num muted">${ago(e.updatedAt)}</td></tr>`;
    }).join('');
    table.dataset.count = String(all.length);
    $('entities-meta').textContent = all.length === 0 ? 'none yet'
      : all.length > rows.length ? `${fmt(rows.length)} most recent of ${fmt(all.length)}` : `${fmt(all.length)} ${all.length === 1 ? 'entity' : 'entities'}`;
  }

  function renderSubscriptions() {
    const list = $('subscriptions');
    const subs = state.subscriptions;
    list.innerHTML = subs.map((s) => {
      const t = (v) => (v ? `${new Date(v).toLocaleTimeString()} <span class="muted">(${ago(Date.parse(v))})</span>` : '–');
      return `<li class="sub" data-subscription-id="${esc(s.id)}">
        <div class="sub-top"><span class="sub-id" title="${esc(s.id)}">${esc(s.id)}</span><span class="pill" data-state="${esc(s.status)}">${esc(s.status)}</span></div>
        ${s.description ? `<div class="sub-desc">${esc(s.description)}</div>` : ''}
        <dl class="sub-grid">
          <dt>Notifications sent</dt><dd>${s.timesSent !== undefined ? fmt(s.timesSent) : '–'}</dd>
          <dt>Last notification</dt><dd>${t(s.lastNotification)}</dd>
          <dt>Last success</dt><dd>${t(s.lastSuccess)}</dd>
          <dt>Last failure</dt><dd>${t(s.lastFailure)}</dd>
        </dl>
        ${s.lastFailureReason ? `<div class="sub-error">${esc(s.lastFailureReason)}</div>` : ''}
      </li>`;
    }).join('');
    $('subscriptions-meta').textContent = subs.length ? `${subs.length} active in this job` : 'none';
  }

  function renderMetricsTable() {
    const rows = state.metricRows;
    const table = $('metrics');
    table.classList.toggle('has-rows', rows.length > 0);
    const unit = (r) => (r.unit ? ` <span class="muted">${esc(r.unit)}</span>` : '');
    table.tBodies[0].innerHTML = rows.map((r) => `<tr>
      <td>${esc(r.name)}<span class="kind">${esc(r.kind)}</span><span class="meter">${esc(r.meter)}</span></td>
      <td class="tags" title="${esc(r.tags)}">${esc(r.tags || '–')}</td>
      <td class="num">${fmt(r.total)}</td>
      <td class="num">${r.rate !== undefined ? fmt(r.rate) : '–'}</td>
      <td class="num">${r.value !== undefined ? fmt(r.value) + unit(r) : '–'}</td>
      <td class="num">${r.p50 !== undefined ? fmt(r.p50) + unit(r) : '–'}</td>
      <td class="num">${r.p99 !== undefined ? fmt(r.p99) + unit(r) : '–'}</td>
    </tr>`).join('');
    const instruments = new Set(rows.map((r) => r.meter + '/' + r.name)).size;
    $('metrics-meta').textContent = rows.length ? `${instruments} instruments · ${rows.length} series` : 'NgsiFlow.* instruments of this process';
  }

  // ---------- render loop ----------

  let renderQueued = false;
  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(render);
  }

  let lastTableRender = 0;
  function render() {
    renderQueued = false;
    const d = state.dirty;
    if (d.job) { renderJob(); d.job = false; }
    updateClock();
    if (d.values) { renderValues(); d.values = false; }
    for (const p of state.panels.values()) if (p.dirty) renderPanel(p);
    if (d.subscriptions) { renderSubscriptions(); d.subscriptions = false; }
    if (d.metrics) { renderMetricsTable(); d.metrics = false; }
    // Tables are the costliest part of the page; twice a second is plenty for reading them.
    const now = Date.now();
    if (d.entities) {
      if (now - lastTableRender >= 450) { renderEntities(); d.entities = false; lastTableRender = now; } else setTimeout(scheduleRender, 460 - (now - lastTableRender));
    }
  }

  // Relative times and uptime move on even when nothing is published.
  function updateClock() {
    if (state.job) $('uptime').textContent = duration(Date.now() - state.job.startedAt);
    $('last-update').textContent = state.lastFrameAt ? ago(state.lastFrameAt) : '–';
  }

  setInterval(() => {
    updateClock();
    if (state.entities.size) { state.dirty.entities = true; scheduleRender(); }
  }, 1000);

  // ---------- connection ----------

  function setConnection(s, text) {
    const c = $('connection');
    c.dataset.state = s;
    $('connection-text').textContent = text;
    document.body.dataset.connection = s;
  }

  function connect() {
    const source = new EventSource('events');
    source.addEventListener('open', () => setConnection('live', 'Live'));
    source.addEventListener('error', () => setConnection('lost', 'Reconnecting…'));
    source.addEventListener('snapshot', (e) => { setConnection('live', 'Live'); applySnapshot(JSON.parse(e.data)); });
    source.addEventListener('update', (e) => applyUpdate(JSON.parse(e.data)));
  }

  connect();
})();
