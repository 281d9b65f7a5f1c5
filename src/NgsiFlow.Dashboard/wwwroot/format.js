// Formatting and small DOM helpers shared by the dashboard's scripts.

export const PALETTE = ['#2563eb', '#e8590c', '#0f9d58', '#9333ea', '#d63384', '#0891b2', '#ca8a04', '#475569'];

export const nf = (max, min = 0) => new Intl.NumberFormat('en-US', { maximumFractionDigits: max, minimumFractionDigits: min });
export const fmtInt = nf(0);
export const fmt1 = nf(1);
export const fmt3 = nf(3);

export function fmt(v, decimals) {
  if (v === null || v === undefined || typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (decimals !== undefined && decimals !== null) return nf(decimals, decimals).format(v);
  if (Number.isInteger(v)) return fmtInt.format(v);
  const a = Math.abs(v);
  if (a >= 1000) return fmt1.format(v);
  if (a >= 1) return fmt3.format(v);
  if (a === 0) return '0';
  return Number(v.toPrecision(3)).toString();
}

export function fmtValue(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function ago(ms) {
  if (!ms) return '–';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${pad(m)}:${pad(r)}`;
}

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * 1.04) return m * p;
  return v * 1.1;
}

export function compact(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return fmt1.format(v / 1e6) + 'M';
  if (a >= 1e4) return fmt1.format(v / 1e3) + 'k';
  return fmt(v);
}
