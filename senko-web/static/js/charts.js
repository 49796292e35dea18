// Charts (issue 14 §5): the score histogram above the list, and the model charts for admins.
//
// Wiring (shell): styles are in css/widgets.css (link it once in index.html).
//   import { mountHistogram, mountModelCharts } from "./charts.js";
//   const histogram = mountHistogram(document.querySelector("#histogram"), ctx);   // above the list
//   histogram.refresh();            // optional: after a decision, an upload, ...; it also refreshes itself
//                                   // when bell.js reports a scored/failed/rescore event
//   ctx.onFilter({score_min, score_max}) is called when a bar is clicked (or Enter on the focused chart);
//   {score_min: null, score_max: null} when 「すべてのスコア」 is clicked. score_min inclusive, score_max
//   exclusive, except score_max 1 (which includes 1). Map them to the list route's score filters.
//   With ctx.getFilters() and ctx.onListLoaded(fn) (optional) the bars outside the list's score range are pale.
//   const models = mountModelCharts(document.querySelector("#model-charts"), ctx);  // admins only: renders
//   nothing for another role. models.show("v3") picks a version (default: the active one, else the newest).
// Both return {refresh(), destroy()}. Chart.js is vendored (vendor/chartjs/) and loaded on first use.

import { api } from "./api.js";

const COLORS = { OK: "#1f9d55", NG: "#c53030", none: "#9aa5b1", line: "#2f6fde", threshold: "#d97706", grid: "#e4e7eb" };
const LABELS = { OK: "OK", NG: "NG", none: "未判定" };
const KEYS = ["OK", "NG", "none"];
const REFRESH_KINDS = new Set(["scored", "unscored", "failed", "rescore_finished", "model_activated"]);

let library = null;
/** Chart.js, loaded once (the UMD build sets globalThis.Chart). */
export function loadChart() {
  library ||= import("../vendor/chartjs/chart.umd.min.js").then(() => globalThis.Chart);
  return library;
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const pct = (value) => `${Math.round(value * 100)}%`;

// A Chart.js plugin: the dashed threshold line with its label on the linear x axis. options: {value}
const thresholdLine = {
  id: "senkoThreshold",
  afterDatasetsDraw(chart, _args, options) {
    if (options.value === null || options.value === undefined) return;
    const scale = chart.scales.x;
    const x = scale.getPixelForValue(options.value);
    const { top, bottom } = chart.chartArea;
    const context = chart.ctx;
    context.save();
    context.strokeStyle = COLORS.threshold;
    context.lineWidth = 2;
    context.setLineDash([6, 4]);
    context.beginPath(); context.moveTo(x, top); context.lineTo(x, bottom); context.stroke();
    context.setLineDash([]);
    context.font = "bold 12px sans-serif";
    const label = `閾値 ${pct(options.value)}`;
    const labelWidth = context.measureText(label).width;
    const left = x > chart.width - 80 ? x - 4 - labelWidth : x + 4;
    context.fillStyle = "rgba(255, 255, 255, 0.85)";  // readable over a bar
    context.fillRect(left - 2, top + 1, labelWidth + 4, 15);
    context.fillStyle = COLORS.threshold;
    context.textAlign = "left";
    context.fillText(label, left, top + 12);
    context.restore();
  },
};

function chartBox(label, className = "") {
  const canvas = el("canvas", { tabIndex: 0 });
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return { canvas, box: el("div", { className: `sk-chart-box ${className}` }, canvas) };
}

/** The score histogram by OK / NG / 未判定 with the threshold; a click on a bar filters the list. */
export function mountHistogram(container, ctx = {}) {
  const heading = el("h2", { className: "sk-chart-title", textContent: "OK度数の分布" });
  const summary = el("p", { className: "hint sk-chart-summary" });
  const status = el("p", { className: "sk-sr-only" });
  status.setAttribute("aria-live", "polite");
  const { canvas, box } = chartBox("OK度数の分布 (棒をクリックするとその範囲で一覧を絞り込みます)");
  const reset = el("button", { type: "button", className: "secondary sk-small", textContent: "すべてのスコア" });
  const figure = el("section", { className: "sk-histogram card" }, el("div", { className: "sk-chart-head" }, heading, reset),
                    summary, box, status);
  figure.setAttribute("aria-label", "OK度数の分布");
  container.replaceChildren(figure);
  let chart = null;
  let data = null;
  let focused = -1;
  let timer = null;

  let selected = null;  // the list's score range: the bars outside it are drawn pale

  function paint() {
    if (!chart || !data) return;
    const low = selected?.score_min ?? null;
    const high = selected?.score_max ?? null;
    const inside = (b) => (low === null || b.score_min >= low - 1e-9) && (high === null || b.score_max <= high + 1e-9);
    chart.data.datasets.forEach((set, i) => {
      const color = COLORS[KEYS[i]];
      set.backgroundColor = data.bins.map((b) => (inside(b) ? color : `${color}4d`));
    });
    chart.update();
  }
  // The shell's filters (when it offers them) decide the highlighted range, whoever changed them.
  function syncFromFilters() {
    if (!ctx.getFilters) return;
    const filters = ctx.getFilters() || {};
    const number = (value) => (value === undefined || value === null || value === "" ? null : Number(value));
    selected = { score_min: number(filters.score_min), score_max: number(filters.score_max) };
    paint();
  }
  const choose = (index) => {
    const bin = data?.bins[index];
    if (!bin) return;
    selected = { score_min: bin.score_min, score_max: bin.score_max };
    paint();
    ctx.onFilter?.({ score_min: bin.score_min, score_max: bin.score_max });
  };
  const describe = (bin) => `${pct(bin.score_min)}〜${pct(bin.score_max)}: OK ${bin.OK} 名、NG ${bin.NG} 名、未判定 ${bin.none} 名`;
  reset.addEventListener("click", () => {
    selected = null;
    paint();
    ctx.onFilter?.({ score_min: null, score_max: null });
  });
  canvas.addEventListener("keydown", (event) => {
    if (!data) return;
    const count = data.bins.length;
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      focused = focused < 0 ? 0 : (focused + (event.key === "ArrowRight" ? 1 : count - 1)) % count;
      const active = [0, 1, 2].map((datasetIndex) => ({ datasetIndex, index: focused }));
      chart.setActiveElements(active);
      chart.tooltip.setActiveElements(active, { x: 0, y: 0 });
      chart.update();
      status.textContent = describe(data.bins[focused]);
      event.preventDefault();
    } else if ((event.key === "Enter" || event.key === " ") && focused >= 0) {
      choose(focused);
      event.preventDefault();
    }
  });

  async function refresh() {
    try {
      data = await api("/applicants/histogram");
    } catch {
      summary.textContent = "分布を読み込めませんでした。";
      return;
    }
    const waiting = data.without_score ? `、未採点 ${data.without_score} 名` : "";
    summary.textContent = `採点済み ${data.with_score} 名${waiting}。閾値 ${pct(data.threshold)} 以上が要確認です。棒をクリックするとその範囲で絞り込みます。`;
    const width = data.bins.length ? data.bins[0].score_max - data.bins[0].score_min : 0.05;
    const datasets = KEYS.map((key) => ({
      label: LABELS[key], backgroundColor: COLORS[key], stack: "all", barPercentage: 1, categoryPercentage: 1,
      data: data.bins.map((b) => ({ x: (b.score_min + b.score_max) / 2, y: b[key] })),
    }));
    const Chart = await loadChart();
    if (chart) {
      chart.data.datasets.forEach((set, i) => { set.data = datasets[i].data; });
      chart.options.plugins.senkoThreshold.value = data.threshold;
      paint();
      return;
    }
    chart = new Chart(canvas, {
      type: "bar",
      data: { datasets },
      plugins: [thresholdLine],
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", axis: "x", intersect: false },
        scales: {
          x: { type: "linear", stacked: true, min: 0, max: 1, offset: false, grid: { display: false },
               ticks: { stepSize: Math.max(width, 0.1), maxRotation: 0, callback: (value) => `${Math.round(value * 100)}` },
               title: { display: true, text: "OK度数 (%)" } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "人数" } },
        },
        plugins: {
          senkoThreshold: { value: data.threshold },
          legend: { position: "bottom" },
          tooltip: { callbacks: { title: (items) => { const b = data.bins[items[0].dataIndex]; return `${pct(b.score_min)}〜${pct(b.score_max)}`; } } },
        },
        onClick: (_event, elements) => { if (elements.length) choose(elements[0].index); },
        onHover: (event, elements) => { event.native.target.classList.toggle("sk-clickable", elements.length > 0); },
      },
    });
    syncFromFilters();
  }

  const onEvent = (event) => {
    if (!REFRESH_KINDS.has(event.detail?.kind)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 1000);  // a burst of scores refreshes once
  };
  window.addEventListener("senko:event", onEvent);
  const unsubscribe = ctx.onListLoaded?.(syncFromFilters);
  refresh();
  return {
    refresh,
    get chart() { return chart; },
    get data() { return data; },
    destroy() {
      window.removeEventListener("senko:event", onEvent);
      if (typeof unsubscribe === "function") unsubscribe();
      clearTimeout(timer);
      chart?.destroy();
      container.replaceChildren();
    },
  };
}

function lineChart(Chart, canvas, { datasets, x, y, threshold = null }) {
  return new Chart(canvas, {
    type: "line",
    data: { datasets },
    plugins: [thresholdLine],
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
      scales: {
        x: { type: "linear", min: 0, max: 1, title: { display: true, text: x }, ticks: { stepSize: 0.2 } },
        y: { type: "linear", min: 0, max: 1, title: { display: true, text: y }, ticks: { stepSize: 0.2 } },
      },
      plugins: { senkoThreshold: { value: threshold }, legend: { position: "bottom" } },
    },
  });
}

const diagonal = (label) => ({ label, data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: COLORS.none, borderDash: [4, 4],
                                pointRadius: 0, borderWidth: 1 });

function confusionTable(matrix, threshold) {
  const cell = (value, className) => el("td", { className, textContent: `${value ?? "—"} 名` });
  const head = el("thead", {}, el("tr", {}, el("td"), el("th", { scope: "col", textContent: "予測 OK" }),
                                  el("th", { scope: "col", textContent: "予測 NG" })));
  const body = el("tbody", {},
    el("tr", {}, el("th", { scope: "row", textContent: "実際 OK" }), cell(matrix.tp, "sk-hit"), cell(matrix.fn, "sk-miss")),
    el("tr", {}, el("th", { scope: "row", textContent: "実際 NG" }), cell(matrix.fp, "sk-miss"), cell(matrix.tn, "sk-hit")));
  return el("table", { className: "sk-confusion" }, el("caption", { textContent: `混同行列 (閾値 ${pct(threshold)})` }), head, body);
}

function panel(title, ...content) {
  return el("section", { className: "sk-model-panel" }, el("h3", { textContent: title }), ...content);
}

/** Admins: ROC, calibration, confusion matrix at the threshold, precision/recall vs threshold, per model version. */
export function mountModelCharts(container, ctx = {}) {
  if (ctx.role !== "admin") { container.replaceChildren(); return { refresh() {}, show() {}, destroy() {} }; }
  const select = el("select", { id: "sk-model-version" });
  const picker = el("label", { className: "sk-inline" }, "モデルの版 ", select);
  const summary = el("p", { className: "sk-model-summary" });
  const grid = el("div", { className: "sk-model-grid" });
  container.replaceChildren(el("section", { className: "sk-model-charts" },
    el("h2", { textContent: "モデルの評価 (検証データ)" }), picker, summary, grid));
  let models = [];
  let charts = [];
  let wanted = ctx.version || null;

  async function draw(model) {
    charts.forEach((chart) => chart.destroy());
    charts = [];
    const m = model.metrics || {};
    const threshold = m.threshold ?? null;
    const show = (v) => (v === null || v === undefined ? "—" : v);
    summary.textContent = `${model.version} (${model.algorithm}): AUC ${show(m.roc_auc)}、正解率 ${show(m.accuracy)}、` +
      `適合率 ${show(m.precision)}、再現率 ${show(m.recall)}、F1 ${show(m.f1)}、Brier ${show(m.brier)}、検証 ${show(m.holdout_size)} 名`;
    const Chart = await loadChart();
    const roc = chartBox("ROC 曲線", "sk-square");
    const calibration = chartBox("較正曲線 (予測した OK 度数と実際の OK の割合)", "sk-square");
    const pr = chartBox("閾値ごとの適合率と再現率", "sk-square");
    const missing = el("p", { className: "hint", textContent: "この版には曲線のデータがありません (学習し直すと表示されます)。" });
    grid.replaceChildren(
      panel("ROC 曲線", m.roc_curve?.length ? roc.box : missing.cloneNode(true)),
      panel("較正", m.calibration?.length ? calibration.box : missing.cloneNode(true)),
      panel("混同行列", m.confusion_matrix ? confusionTable(m.confusion_matrix, threshold) : missing.cloneNode(true)),
      panel("適合率と再現率 (閾値別)", m.threshold_curve?.length ? pr.box : missing.cloneNode(true)),
    );
    if (m.roc_curve?.length) {
      charts.push(lineChart(Chart, roc.canvas, { x: "偽陽性率", y: "真陽性率", datasets: [
        { label: `ROC (AUC ${show(m.roc_auc)})`, data: m.roc_curve.map((p) => ({ x: p.fpr, y: p.tpr })), borderColor: COLORS.line,
          pointRadius: 0, borderWidth: 2 }, diagonal("ランダム")] }));
    }
    if (m.calibration?.length) {
      charts.push(lineChart(Chart, calibration.canvas, { x: "予測した OK 度数", y: "実際に OK の割合", datasets: [
        { label: "モデル", data: m.calibration.map((p) => ({ x: p.mean_predicted, y: p.fraction_ok })), borderColor: COLORS.line,
          backgroundColor: COLORS.line }, diagonal("完全な較正")] }));
    }
    if (m.threshold_curve?.length) {
      const points = (key) => m.threshold_curve.filter((p) => p[key] !== null).map((p) => ({ x: p.threshold, y: p[key] }));
      charts.push(lineChart(Chart, pr.canvas, { x: "閾値", y: "割合", threshold, datasets: [
        { label: "適合率", data: points("precision"), borderColor: COLORS.OK, backgroundColor: COLORS.OK, pointRadius: 2 },
        { label: "再現率", data: points("recall"), borderColor: COLORS.line, backgroundColor: COLORS.line, pointRadius: 2 }] }));
    }
  }

  function show(model) {
    const version = typeof model === "string" ? model : model?.version;
    wanted = version;
    const found = models.find((m) => m.version === version);
    if (!found) { if (version) refresh(); return; }
    select.value = version;
    draw(found);
  }
  select.addEventListener("change", () => show(select.value));

  async function refresh() {
    let data;
    try { data = await api("/models"); } catch { summary.textContent = "モデルを読み込めませんでした。"; return; }
    models = data.models;
    select.replaceChildren(...models.map((m) => el("option", { value: m.version,
      textContent: `${m.version} ${m.algorithm}${m.version === data.active ? " (有効)" : ""}` })));
    if (!models.length) { summary.textContent = "まだモデルがありません。"; grid.replaceChildren(); return; }
    const version = models.some((m) => m.version === wanted) ? wanted : data.active || models[0].version;
    show(version);
  }

  refresh();
  return { refresh, show, destroy() { charts.forEach((chart) => chart.destroy()); container.replaceChildren(); } };
}
