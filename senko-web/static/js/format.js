// Formatting for people: dates in Japan time, scores as percentages.

const JST = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "numeric", day: "numeric",
                                               hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const JST_DAY = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "numeric", day: "numeric" });

function parse(iso) {
  if (!iso) return null;
  // The API sends UTC; a value without an offset is UTC too. A bare date (2026-11-29) is a calendar day.
  const text = /^\d{4}-\d\d-\d\d$/.test(iso) ? `${iso}T00:00:00+09:00`
    : /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parts(format, date) {
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

/** "2026-11-29T11:55:00Z" → "2026年11月29日 20:55" (Japan time); "—" for nothing. */
export function formatDate(iso) {
  if (!iso) return "—";
  const date = parse(iso);
  if (!date) return String(iso);
  const p = parts(JST, date);
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** "2026-11-29T11:55:00Z" → "2026年11月29日" (the Japan-time day). */
export function formatDay(iso) {
  if (!iso) return "—";
  const date = parse(iso);
  if (!date) return String(iso);
  const p = parts(JST_DAY, date);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** 0.734 → "73%"; "—" when there is no score. */
export function percent(score) {
  return score === null || score === undefined ? "—" : `${Math.round(score * 100)}%`;
}
