// The adverse-impact report page (issue 12 §5), for auditors and admins: per stated group, the share above the
// threshold, the human OK rate, the four-fifths ratios against the highest group with their 95% intervals, and
// calibration; charts of the ratios (0.8 line, interval whiskers) and of calibration; the warnings in Japanese.
//
//   import { mount } from "./fairness.js";
//   const page = mount(container, ctx);   // ctx.role: "auditor" | "admin" (others see a refusal, no request)
//   page.refresh(); page.destroy();
// Data: GET /fairness/report?attribute=gender|age_band|prefecture[&from=YYYY-MM-DD&to=YYYY-MM-DD].

import { api } from "./api.js";
import { el } from "./dom.js";
import { errorText } from "./errors.js";
import { ATTRIBUTES, MEASURES, ensureStyles, fixed, groupName, interval, share, table, warningText } from "./fairness-common.js";

const COLORS = { model: "#2557b8", human: "#17784a", line: "#b42525", whisker: "#1f2933", score: "#9a6700" };
const FOUR_FIFTHS = 0.8;
let library = null;
const loadChart = () => (library ||= import("../vendor/chartjs/chart.umd.min.js").then(() => globalThis.Chart));

// Chart.js plugin: the 0.8 line on the value axis and each bar's interval as a whisker (dataset.ci[i] = {low, high}).
const ratioMarks = {
  id: "senkoRatioMarks",
  afterDatasetsDraw(chart, _args, options) {
    const { ctx: g, chartArea: area, scales: { x } } = chart;
    g.save();
    chart.data.datasets.forEach((set, d) => {
      if (!set.ci || !chart.isDatasetVisible(d)) return;
      chart.getDatasetMeta(d).data.forEach((bar, i) => {
        const ci = set.ci[i];
        if (!ci) return;
        const [from, to] = [x.getPixelForValue(Math.min(ci.low, x.max)), x.getPixelForValue(Math.min(ci.high, x.max))];
        const cap = Math.min(6, bar.height / 3);
        g.strokeStyle = COLORS.whisker; g.lineWidth = 1.5;
        g.beginPath();
        g.moveTo(from, bar.y); g.lineTo(to, bar.y);
        g.moveTo(from, bar.y - cap); g.lineTo(from, bar.y + cap);
        g.moveTo(to, bar.y - cap); g.lineTo(to, bar.y + cap);
        g.stroke();
      });
    });
    if (options.line !== undefined) {
      const at = x.getPixelForValue(options.line);
      g.strokeStyle = COLORS.line; g.lineWidth = 2; g.setLineDash([6, 4]);
      g.beginPath(); g.moveTo(at, area.top); g.lineTo(at, area.bottom); g.stroke();
      g.setLineDash([]);
      g.fillStyle = COLORS.line; g.font = "bold 12px sans-serif"; g.textAlign = "left";
      g.fillText("0.8 (5分の4)", Math.min(at + 4, area.right - 70), area.top + 12);
    }
    g.restore();
  },
};

function chartBox(label, rows) {
  const canvas = el("canvas", { tabIndex: 0 });
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const box = el("div", { className: "fx-chart" }, canvas);
  box.style.height = `${Math.max(180, rows * 44 + 90)}px`;  // CSSOM, not a style attribute: fine under the CSP
  return { canvas, box };
}

function horizontalBars(Chart, canvas, { labels, datasets, max, title, line }) {
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    plugins: [ratioMarks],
    options: {
      indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: { min: 0, max, title: { display: true, text: title } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: { position: "bottom" }, senkoRatioMarks: { line } },
    },
  });
}

function ratioCell(ratio) {
  return ratio ? `${fixed(ratio.value)} ${interval(ratio)}` : "—";
}

/** Mount the report page in `container`. */
export function mount(container, ctx = {}) {
  ensureStyles();
  const root = el("section", { className: "card fx-page", id: "fairness-report" });
  root.setAttribute("aria-labelledby", "fx-title");
  container.replaceChildren(root);
  const title = el("h2", { id: "fx-title", textContent: "公正性レポート (不利益な影響の確認)" });
  if (!["auditor", "admin"].includes(ctx.role)) {
    root.append(title, el("p", { className: "error", id: "fx-refused", textContent: "このページは監査担当者と管理者だけが見られます。" }));
    return { refresh() {}, destroy() { container.replaceChildren(); } };
  }

  const select = el("select", { id: "fx-attribute" }, ...Object.entries(ATTRIBUTES).map(([value, text]) => el("option", { value, textContent: text })));
  const from = el("input", { id: "fx-from", type: "date" });
  const to = el("input", { id: "fx-to", type: "date" });
  const form = el("form", { className: "fx-controls", role: "search" },
    el("label", { htmlFor: "fx-attribute", textContent: "属性" }), select,
    el("label", { htmlFor: "fx-from", textContent: "登録日 (から)" }), from,
    el("label", { htmlFor: "fx-to", textContent: "登録日 (まで)" }), to,
    el("button", { type: "submit", className: "secondary", textContent: "表示" }));
  form.setAttribute("aria-label", "レポートの条件");
  const summary = el("p", { id: "fx-summary", className: "hint" });
  summary.setAttribute("aria-live", "polite");
  const warnings = el("div", { id: "fx-warnings" });
  const tableSlot = el("div", { id: "fx-table" });
  const charts = el("div", { className: "fx-charts" });
  const about = el("details", { className: "fx-about" }, el("summary", { textContent: "この表の読み方" }),
    el("p", { textContent: "グループは履歴書に書かれている内容 (性別の記載、生年月日からの年齢層、住所の都道府県) です。これらはモデルには渡されず、" +
      "監査のためだけに保存されます。比は各グループの割合を最も高いグループ (基準) の割合で割ったもので、0.8 (5分の4) を下回ると" +
      "不利益な影響の目安になります。かっこ内は 95% 信頼区間です。人数が少ないグループは警告の対象外です。較正は、そのグループの" +
      "平均スコアと実際に OK と判定された割合の差です (正なら過大評価)。" }));
  root.append(title, form, summary, warnings, tableSlot, charts, about);

  let drawn = [];
  let current = 0;

  function render(data) {
    drawn.forEach((chart) => chart.destroy());
    drawn = [];
    const attr = ATTRIBUTES[data.attribute];
    summary.textContent = `${attr}別: 対象 ${data.applicants} 名 (うち記載なし ${data.not_stated} 名は比の計算から除外)。` +
      `閾値 ${Math.round(data.threshold * 100)}%、警告は 1 グループ ${data.min_group_size} 名以上のとき。` +
      `基準グループ: モデル「${groupName(data.reference.model)}」、人の判定「${groupName(data.reference.human)}」。`;
    const flagged = new Set(data.warnings.map((w) => w.group));
    if (data.warnings.length) {
      warnings.replaceChildren(el("div", { className: "fx-warning", role: "alert" },
        el("h3", { textContent: "⚠ 5分の4ルールを下回るグループがあります" }),
        el("ul", {}, ...data.warnings.map((w) => el("li", { textContent: warningText(w, data.attribute) })))));
    } else {
      warnings.replaceChildren(el("p", { className: "fx-fine", textContent: data.groups.length
        ? "十分な人数のグループで、比が 0.8 を下回るものはありません。" : "この条件に該当する応募者がいません。" }));
    }
    if (!data.groups.length) { tableSlot.replaceChildren(); charts.replaceChildren(); return; }
    const rows = data.groups.map((g) => {
      const name = el("span", { textContent: groupName(g.group) });
      const cells = [flagged.has(g.group) ? el("span", {}, name, el("span", { className: "fx-flag", textContent: " 要注意" })) : name,
        `${g.applicants} 名`, `${share(g.share_above)} ${interval(g.share_above_ci, share)} / ${g.with_score} 名`,
        ratioCell(g.model_ratio), `${share(g.ok_rate)} ${interval(g.ok_rate_ci, share)} / ${g.decided} 名`,
        ratioCell(g.human_ratio),
        g.calibration.n ? `${share(g.calibration.mean_score)} / ${share(g.calibration.ok_rate)} (差 ${fixed(g.calibration.gap)}, ${g.calibration.n} 名)` : "—"];
      if (flagged.has(g.group)) cells.className = "fx-flagged";
      return cells;
    });
    tableSlot.replaceChildren(table(`${attr}別の選考結果 (比は基準グループに対する値、かっこ内は 95% 信頼区間)`,
      ["グループ", "応募者", "閾値以上の割合 / 採点済み", "モデルの比", "人の OK 率 / 判定済み", "人の判定の比", "較正: 平均スコア / 実際の OK 率"], rows));
    drawCharts(data).catch((error) => { charts.replaceChildren(el("p", { className: "error", textContent: errorText(error) })); });
  }

  async function drawCharts(data) {
    const labels = data.groups.map((g) => groupName(g.group));
    const ratio = chartBox(`${ATTRIBUTES[data.attribute]}別の比 (0.8 の線と 95% 信頼区間つき)`, labels.length);
    const calibration = chartBox(`${ATTRIBUTES[data.attribute]}別の較正 (平均スコアと実際の OK 率)`, labels.length);
    charts.replaceChildren(
      el("figure", { className: "fx-figure" }, el("figcaption", { textContent: "比 (基準グループ = 1)。赤い破線が 0.8、黒い線が 95% 信頼区間" }), ratio.box),
      el("figure", { className: "fx-figure" }, el("figcaption", { textContent: "較正: 平均スコアと実際に OK と判定された割合" }), calibration.box));
    const Chart = await loadChart();
    const highs = data.groups.flatMap((g) => [g.model_ratio?.high, g.human_ratio?.high]).filter((v) => v !== undefined && v !== null);
    const max = Math.min(2, Math.max(1.2, ...highs.map((v) => Math.ceil(v * 10) / 10)));
    const ratioSet = (measure) => ({
      label: MEASURES[measure].replace("割合", "割合の比"), backgroundColor: COLORS[measure],
      data: data.groups.map((g) => g[`${measure}_ratio`]?.value ?? null), ci: data.groups.map((g) => g[`${measure}_ratio`]),
    });
    drawn.push(horizontalBars(Chart, ratio.canvas, { labels, max, title: "比", line: FOUR_FIFTHS,
      datasets: [ratioSet("model"), ratioSet("human")] }));
    drawn.push(horizontalBars(Chart, calibration.canvas, { labels, max: 1, title: "割合",
      datasets: [{ label: "平均スコア", backgroundColor: COLORS.score, data: data.groups.map((g) => g.calibration.mean_score) },
                 { label: "実際の OK 率", backgroundColor: COLORS.human, data: data.groups.map((g) => g.calibration.ok_rate) }] }));
  }

  async function refresh() {
    const query = new URLSearchParams({ attribute: select.value });
    if (from.value) query.set("from", from.value);
    if (to.value) query.set("to", to.value);
    const mine = ++current;
    root.setAttribute("aria-busy", "true");
    try {
      const data = await api(`/fairness/report?${query}`);
      if (mine === current) render(data);
    } catch (error) {
      if (mine !== current) return;
      summary.textContent = "";
      warnings.replaceChildren(el("p", { className: "error", role: "alert", textContent: errorText(error) }));
      tableSlot.replaceChildren(); charts.replaceChildren();
    } finally {
      if (mine === current) root.removeAttribute("aria-busy");
    }
  }

  select.addEventListener("change", refresh);
  form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  refresh();
  return { refresh, destroy() { current += 1; drawn.forEach((chart) => chart.destroy()); container.replaceChildren(); } };
}
