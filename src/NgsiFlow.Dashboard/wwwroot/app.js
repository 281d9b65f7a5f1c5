// NgsiFlow live dashboard: applies the server's snapshot and update frames (server-sent events) to the page.
// Frames arrive at most a few times a second; rendering is batched into animation frames.
import { PALETTE, ago, duration, el, esc, fmt, fmtValue } from './format.js';
import { createPanel, destroyPanel, ensureMetricPanels, initCharts, markMetricPanels, renderPanel } from './charts.js';

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
initCharts(state, chartsEl);

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
