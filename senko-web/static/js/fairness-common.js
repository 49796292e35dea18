// Shared by fairness.js and governance.js: their stylesheet, group names in Japanese, numbers with intervals,
// and the four-fifths warnings in Japanese (the API's own messages are English).

import { el } from "./dom.js";

/** Link css/fairness.css once (a <link> from our own origin: allowed by the CSP, unlike inline styles). */
export function ensureStyles() {
  if (document.querySelector("link[data-senko-fairness]")) return;
  const link = el("link", { rel: "stylesheet", href: new URL("../css/fairness.css", import.meta.url).href });
  link.dataset.senkoFairness = "";
  document.head.append(link);
}

export const ATTRIBUTES = { gender: "性別", age_band: "年齢層", prefecture: "都道府県" };
const GROUPS = { female: "女性", male: "男性", other: "その他", "<25": "25歳未満", "25-34": "25〜34歳",
                 "35-44": "35〜44歳", "45-54": "45〜54歳", "55+": "55歳以上" };
export const MEASURES = { model: "モデルが閾値以上とした割合", human: "人が OK と判定した割合" };

/** "female" → "女性"; prefectures are already Japanese. */
export const groupName = (group) => GROUPS[group] || group || "—";

/** 0.4 → "0.40"; "—" for nothing. */
export const fixed = (value, digits = 2) => (value === null || value === undefined ? "—" : Number(value).toFixed(digits));

/** 0.2 → "20.0%". */
export const share = (value) => (value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`);

/** [0.1, 0.3] or {low, high} → "(95%CI 0.10–0.30)"; "" when there is no interval. */
export function interval(ci, format = fixed) {
  if (!ci) return "";
  const [low, high] = Array.isArray(ci) ? ci : [ci.low, ci.high];
  return `(95%CI ${format(low)}–${format(high)})`;
}

/** A four-fifths warning of the API, in Japanese. */
export function warningText(warning, attribute) {
  const r = warning.ratio || {};
  const attr = attribute ? `${ATTRIBUTES[attribute] || attribute}「${groupName(warning.group)}」` : `「${groupName(warning.group)}」`;
  const sure = warning.confident
    ? "信頼区間の上限も 0.8 未満で、偶然とは言いにくい差です。"
    : "ただし信頼区間は 0.8 をまたいでおり、差が偶然の可能性もあります。";
  return `${attr}: ${MEASURES[warning.measure] || warning.measure}が「${groupName(warning.reference)}」の ${fixed(r.value)} 倍 ` +
    `${interval(r)}で、5分の4 (0.8) を下回っています。${sure}`;
}

/** A table with a caption and column headers (scope=col); rows: arrays of cells (text or nodes), the first a row header. */
export function table(caption, headers, rows, className = "") {
  const head = el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", textContent: h }))));
  const body = el("tbody", {}, ...rows.map((cells) => el("tr", { className: cells.className || "" }, ...cells.map((cell, i) => {
    const tag = i === 0 ? "th" : "td";
    const node = cell instanceof Node ? el(tag, {}, cell) : el(tag, { textContent: cell ?? "—" });
    if (i === 0) node.scope = "row";
    return node;
  }))));
  // The box scrolls sideways on a phone: focusable (keyboard scrolling) and named after the table.
  const wrap = el("div", { className: "table-wrap fx-table-wrap", tabIndex: 0 },
    el("table", { className: `fx-table ${className}` }, el("caption", { textContent: caption }), head, body));
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", caption);
  return wrap;
}
