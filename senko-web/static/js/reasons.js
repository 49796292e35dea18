// Why the model scored as it did, for people: a ± bar chart (hand-written SVG) of the strongest nouns,
// the score against the threshold in words, and the full noun list behind a toggle.

import { el, svg } from "./dom.js";
import { percent } from "./format.js";

const SHOWN = 8;       // strongest nouns on the chart
const ROW = 24, LABEL = 130, WIDTH = 460, PAD = 6;

/** 「OK度数 73% — 閾値 65% を上回る」 (or 下回る); the threshold is null when unknown. */
export function verdict(score, threshold) {
  if (score === null || score === undefined) return "まだ採点されていません";
  if (threshold === null || threshold === undefined) return `OK度数 ${percent(score)}`;
  const words = score >= threshold ? "を上回る" : "を下回る";
  return `OK度数 ${percent(score)} — 閾値 ${percent(threshold)} ${words}`;
}

/** The chart of `explanation` ([{noun, weight}]) as an SVG (role img, with a text summary beside it). */
export function reasonsChart(explanation) {
  const items = [...(explanation || [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, SHOWN);
  if (!items.length) return el("p", { className: "hint", textContent: "スコアに効いた名詞はありません。" });
  const largest = Math.max(...items.map((i) => Math.abs(i.weight))) || 1;
  const half = (WIDTH - LABEL - PAD * 2) / 2, axis = LABEL + PAD + half;
  const height = items.length * ROW + PAD * 2;
  const up = items.filter((i) => i.weight > 0).map((i) => i.noun), down = items.filter((i) => i.weight < 0).map((i) => i.noun);
  const summary = [up.length ? `上げた名詞: ${up.join("、")}` : "", down.length ? `下げた名詞: ${down.join("、")}` : ""].filter(Boolean).join("。");
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "reasons-chart", role: "img", "aria-label": summary },
    svg("line", { x1: axis, x2: axis, y1: 0, y2: height, class: "axis" }),
    ...items.flatMap((item, index) => {
      const y = PAD + index * ROW, length = Math.max(2, (Math.abs(item.weight) / largest) * (half - 4));
      const positive = item.weight > 0;
      const label = svg("text", { x: LABEL - 4, y: y + ROW / 2 + 5, class: "label", "text-anchor": "end" });
      label.textContent = item.noun;
      const bar = svg("rect", { x: positive ? axis : axis - length, y: y + 4, width: length, height: ROW - 8,
                                class: positive ? "bar up" : "bar down" });
      const title = svg("title");
      title.textContent = `${item.noun}: ${positive ? "上げる" : "下げる"} (${item.weight > 0 ? "+" : ""}${item.weight.toFixed(3)})`;
      bar.append(title);
      return [label, bar];
    }));
  const legend = el("p", { className: "legend hint" },
    el("span", { className: "key down", textContent: "◀ 下げる" }), " ", el("span", { className: "key up", textContent: "上げる ▶" }));
  return el("div", { className: "reasons" }, chart, legend, el("p", { className: "sr-only", textContent: summary }));
}

/** The full noun list (「経験×3、 …」) and its toggle button; returns [button, list]. */
export function nounToggle(list, nouns) {
  list.textContent = nouns.map((n) => `${n.noun}×${n.count}`).join("、 ") || "名詞はありません";
  list.hidden = true;
  const toggle = el("button", { type: "button", className: "secondary", id: "nouns-toggle", textContent: `抽出された名詞をすべて表示 (${nouns.length})` });
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", list.id);
  toggle.addEventListener("click", () => {
    list.hidden = !list.hidden;
    toggle.setAttribute("aria-expanded", String(!list.hidden));
    toggle.textContent = list.hidden ? `抽出された名詞をすべて表示 (${nouns.length})` : "名詞の一覧を隠す";
  });
  return toggle;
}
