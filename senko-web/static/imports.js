// The Excel import page: drop a file → preview per sheet with the proposed mapping as dropdowns → 取り込む →
// progress bar → a popup with the summary and the error report (CSV). Uses the main UI's session (js/api.js:
// the tokens of this tab, refreshed when they expire) and never writes HTML from data (textContent only).

import { api, hasSession } from "./js/api.js";

const FIELDS = [
  ["", "— 取り込まない —"], ["name", "氏名"], ["furigana", "ふりがな"], ["email", "メールアドレス"], ["phone", "電話番号"],
  ["applied_at", "応募日"], ["source", "媒体"], ["decision", "書類選考の結果"], ["note", "備考"],
];
const FIELD_LABEL = Object.fromEntries(FIELDS.filter(([key]) => key));
const COLOUR_COLUMN = "(行の色)";
const STATUS_TEXT = { parsing: "読み取り中", ready: "確認待ち", committing: "取り込み中", done: "完了", failed: "失敗" };
const POLL_MS = 800;

const $ = (id) => document.getElementById(id);
let current = null; // the import being previewed / committed

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "class") node.className = value;
    else node[key] = value;
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function text(value) {
  if (value === null || value === undefined) return "";
  return String(value);
}

function say(message, error = false) {
  $("import-status").textContent = error ? "" : message;
  $("import-error").textContent = error ? message : "";
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function poll(id, until) {
  for (;;) {
    const job = (await api(`/imports/${id}`)).import;
    if (until.includes(job.status)) return job;
    if (job.status === "committing") showProgress(job.progress);
    await sleep(POLL_MS);
  }
}

// ---- upload and preview ---------------------------------------------------------------------------
async function upload(file) {
  if (!file) return;
  reset(false);
  say(`${file.name} を読み取っています…`);
  const form = new FormData();
  form.append("file", file);
  try {
    const job = (await api("/imports", { method: "POST", form })).import;
    current = await poll(job.id, ["ready", "failed"]);
  } catch (error) {
    say(error.message, true);
    return;
  }
  if (current.status === "failed") {
    say(`読み取れませんでした: ${current.message}`, true);
    loadRecent();
    return;
  }
  say(`${current.filename}: ${current.sheets.length}シートを読み取りました。列の対応を確かめて「取り込む」を押してください。`);
  renderSheets(current.sheets);
  $("preview").hidden = false;
}

function mappingSelect(sheet, column) {
  const select = el("select", { dataset: { column } });
  select.setAttribute("aria-label", `${column} の取り込み先`);
  for (const [key, label] of FIELDS) select.append(el("option", { value: key, textContent: label }));
  select.value = sheet.mapping[column] || "";
  return select;
}

function colourChooser(sheet) {
  const colours = new Set(sheet.rows.map((row) => row.original[COLOUR_COLUMN]).filter(Boolean));
  if (!colours.size) return null;
  const box = el("div", { class: "colour-map" }, el("p", { class: "hint",
    textContent: "行の色で選考結果を表している場合は、色ごとに結果を選んでください（選ばなければ色は使いません）。" }));
  for (const colour of colours) {
    const swatch = el("span", { class: "swatch" });
    if (/^[0-9A-F]{8}$/i.test(colour)) swatch.style.backgroundColor = `#${colour.slice(2)}`;
    const select = el("select", { dataset: { colour } });
    for (const [value, label] of [["", "使わない"], ["OK", "OK"], ["NG", "NG"]]) select.append(el("option", { value, textContent: label }));
    box.append(el("label", {}, swatch, ` ${colour} `, select));
  }
  return box;
}

function renderSheet(sheet) {
  const fields = FIELDS.filter(([key]) => key).map(([key]) => key);
  const head = el("tr", {}, el("th", { textContent: "行" }));
  for (const column of sheet.columns) {
    const confidence = sheet.confidence?.[column];
    head.append(el("th", {}, el("span", { class: "column-label", textContent: column }), mappingSelect(sheet, column),
      confidence === undefined ? null : el("span", { class: "confidence", textContent: `確度 ${Math.round(confidence * 100)}%` })));
  }
  fields.forEach((field, i) => head.append(el("th", { class: `normalised${i ? "" : " first"}`, textContent: `→ ${FIELD_LABEL[field]}` })));
  const errorRows = new Set((sheet.errors || []).map((problem) => problem.row));
  const body = el("tbody");
  for (const row of sheet.rows) {
    const tr = el("tr", { class: errorRows.has(row.row) ? "has-error" : "" }, el("td", { class: "row-number", textContent: row.row }));
    for (const column of sheet.columns) tr.append(el("td", { textContent: text(row.original[column]) }));
    fields.forEach((field, i) => tr.append(el("td", { class: `normalised${i ? "" : " first"}`, textContent: text(row.values[field]) })));
    body.append(tr);
  }
  const problems = el("ul", { class: "sheet-problems" });
  for (const problem of [...(sheet.errors || []), ...(sheet.warnings || [])]) {
    problems.append(el("li", { class: (sheet.errors || []).includes(problem) ? "error" : "hint",
      textContent: `${problem.row}行目 ${problem.column || ""}: ${problem.message}（${problem.reason}）` }));
  }
  const take = el("input", { type: "checkbox", checked: sheet.selected, class: "take-sheet" });
  return el("section", { class: "card sheet", dataset: { sheet: sheet.name } },
    el("div", { class: "sheet-head" }, el("h3", { textContent: `シート「${sheet.name}」` }),
      sheet.hidden ? el("span", { class: "badge", textContent: "非表示シート" }) : null,
      el("span", { class: "hint", textContent: sheet.columns.length ? `表: ${sheet.region}（先頭${sheet.rows.length}行を表示）` : "表が見つかりません" }),
      el("label", { class: "inline" }, take, "このシートを取り込む")),
    sheet.columns.length ? el("div", { class: "table-wrap" }, el("table", { class: "preview-table" }, el("thead", {}, head), body)) : null,
    colourChooser(sheet), problems.childElementCount ? problems : null);
}

function renderSheets(sheets) {
  $("sheets").replaceChildren(...sheets.map(renderSheet));
}

// ---- commit, progress, popup ----------------------------------------------------------------------
function choice() {
  const sheets = [];
  const colourMap = {};
  for (const section of document.querySelectorAll("#sheets section.sheet")) {
    if (!section.querySelector(".take-sheet").checked) continue;
    const mapping = {};
    for (const select of section.querySelectorAll("select[data-column]")) mapping[select.dataset.column] = select.value || null;
    for (const select of section.querySelectorAll("select[data-colour]")) if (select.value) colourMap[select.dataset.colour] = select.value;
    sheets.push({ name: section.dataset.sheet, mapping });
  }
  const body = { sheets };
  if (Object.keys(colourMap).length) body.options = { colour_map: colourMap };
  return body;
}

function showProgress(progress) {
  $("commit-progress").hidden = false;
  const bar = $("import-progress");
  if (progress?.total) {
    bar.max = progress.total;
    bar.value = progress.done;
    $("import-progress-text").textContent = `${progress.done} / ${progress.total} 行`;
  } else {
    bar.removeAttribute("value");
    $("import-progress-text").textContent = "準備中…";
  }
}

async function commit() {
  const body = choice();
  if (!body.sheets.length) { say("取り込むシートを選んでください", true); return; }
  $("import-commit").disabled = true;
  say("取り込んでいます…");
  showProgress(null);
  try {
    await api(`/imports/${current.id}/commit`, { method: "POST", body });
    current = await poll(current.id, ["done", "failed"]);
  } catch (error) {
    say(error.message, true);
    $("import-commit").disabled = false;
    return;
  }
  showProgress(current.progress);
  say(current.status === "done" ? current.message : `取り込みに失敗しました: ${current.message}`, current.status !== "done");
  $("import-done-title").textContent = current.status === "done" ? "取り込みが終わりました" : "取り込みに失敗しました";
  $("import-done-message").textContent = current.message;
  $("import-done").showModal();
  loadRecent();
}

async function downloadReport(id) {
  try {
    const response = await api(`/imports/${id}/report?format=csv`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: `import-${id}-report.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    say(error.message, true);
  }
}

function reset(clearInput = true) {
  current = null;
  $("preview").hidden = true;
  $("commit-progress").hidden = true;
  $("import-commit").disabled = false;
  $("sheets").replaceChildren();
  say("");
  if (clearInput) $("import-file").value = "";
}

async function loadRecent() {
  let imports = [];
  try { imports = (await api("/imports?limit=10")).imports; } catch { return; }
  $("recent-imports").tBodies[0].replaceChildren(...imports.map((job) => {
    const report = el("button", { type: "button", class: "secondary", textContent: "CSV" });
    report.addEventListener("click", () => downloadReport(job.id));
    return el("tr", {}, el("td", { textContent: job.id }), el("td", { textContent: job.filename }),
      el("td", { textContent: STATUS_TEXT[job.status] || job.status }), el("td", { textContent: text(job.message) }),
      el("td", { textContent: new Date(job.created_at).toLocaleString("ja-JP") }),
      el("td", {}, job.status === "done" || job.status === "failed" ? report : null));
  }));
}

// ---- wiring ---------------------------------------------------------------------------------------
function wire() {
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    upload(event.dataTransfer.files[0]);
  });
  $("import-file").addEventListener("change", (event) => upload(event.target.files[0]));
  $("import-commit").addEventListener("click", commit);
  $("import-reset").addEventListener("click", () => reset());
  $("import-done-report").addEventListener("click", () => current && downloadReport(current.id));
  $("import-done-close").addEventListener("click", () => $("import-done").close());
}

if (hasSession()) {
  $("import-view").hidden = false;
  wire();
  loadRecent();
} else {
  $("signed-out").hidden = false;
}
