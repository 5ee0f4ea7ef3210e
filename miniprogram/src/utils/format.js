// Dates are shown in Beijing time whatever the phone's time zone; the API speaks RFC 3339.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

function pad(n) {
  return n < 10 ? `0${n}` : `${n}`;
}

function beijingParts(value) {
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return null;
  const t = new Date(time + BEIJING_OFFSET_MS);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
  };
}

// "12月01日 18:00", with the year when it is not this year's.
function formatDateTime(value, now) {
  const p = beijingParts(value);
  if (!p) return '';
  const current = beijingParts(now || Date.now());
  const date = `${pad(p.month)}月${pad(p.day)}日 ${pad(p.hour)}:${pad(p.minute)}`;
  return current && current.year === p.year ? date : `${p.year}年${date}`;
}

// "2026-12-01" and "18:00" for date and time pickers.
function pickerDate(value) {
  const p = beijingParts(value);
  return p ? `${p.year}-${pad(p.month)}-${pad(p.day)}` : '';
}

function pickerTime(value) {
  const p = beijingParts(value);
  return p ? `${pad(p.hour)}:${pad(p.minute)}` : '';
}

// A date and a time picked on the phone, taken as Beijing time, as RFC 3339.
function beijingIso(date, time) {
  if (!date) return '';
  return `${date}T${time || '00:00'}:00+08:00`;
}

// The badge next to a task: overdue, done, due soon, or just the deadline.
function deadlineBadge(task, now) {
  const at = new Date(task.deadline).getTime();
  const current = now || Date.now();
  const text = `截止 ${formatDateTime(task.deadline, current)}`;
  if (task.done) return { type: 'done', text: '已完成' };
  if (task.overdue || at < current) return { type: 'danger', text: '已逾期' };
  if (at - current < 24 * 3600 * 1000) return { type: 'warn', text };
  return { type: 'muted', text };
}

// Plain text with blank lines between paragraphs → paragraphs (line breaks inside kept).
function paragraphs(content) {
  return String(content || '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((part) => part.replace(/^\n+|\n+$/g, ''))
    .filter((part) => part.trim() !== '');
}

// Plain text with one paragraph per line (news bodies) → the non-empty lines.
function lines(text) {
  return String(text || '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function percentText(value) {
  const n = Number(value) || 0;
  return `${Math.round(n * 10) / 10}%`;
}

module.exports = {
  formatDateTime,
  pickerDate,
  pickerTime,
  beijingIso,
  deadlineBadge,
  paragraphs,
  lines,
  percentText,
  beijingParts,
};
