// The upload panel (issue 14 §3, §7): collapsible, one applicant with a résumé, or many PDFs dropped at
// once (one applicant each), each file with its own progress bar; and trackJob(id), a progress bar for
// a long job (GET /jobs/<id>: {status, total, done, failed}).
//
// Wiring (shell): styles are in css/widgets.css.
//   import { mountUpload, trackJob } from "./upload.js";
//   mountUpload(document.querySelector("#upload"), ctx);  // replaces the old 応募者を追加 card
//   ctx.onUploaded(applicants), when given, is called after each accepted file (refresh the list);
//   window also gets CustomEvent "senko:uploaded" (detail: {applicants}).
//   trackJob(jobId) → Promise of the finished job; its bar shows in the panel (or in {container}). For admins
//   the panel also starts one by itself for a job whose "bulk_progress" event bell.js passes on.
// Uploads use XMLHttpRequest (fetch reports no upload progress) with api.js's base and token; an expired
// token is refreshed through api.js (one api() call) and the file sent again once.

import { ApiFailure, accessToken, api, apiBase } from "./api.js";
import { errorText } from "./errors.js";

const PARALLEL = 3;
const FINISHED = new Set(["done", "finished", "cancelled", "canceled", "failed"]);
const COLLAPSED = "senko.upload.collapsed";
const JOB_LABELS = { rescore: "再採点", retokenize: "名詞の再抽出" };
let jobsArea = null;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function field(label, input) {
  return el("label", {}, `${label} `, input);
}

/** POST a FormData with upload progress: onProgress(fraction). Resolves with the JSON; rejects with ApiFailure. */
export function sendForm(path, form, onProgress = () => {}) {
  const once = () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", apiBase() + path);
    const token = accessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiFailure(xhr.status, body.code, body.message || xhr.statusText));
    });
    xhr.addEventListener("error", () => reject(new ApiFailure(0, "network", "network error")));
    xhr.addEventListener("abort", () => reject(new ApiFailure(0, "network", "aborted")));
    xhr.send(form);
  });
  return once().catch(async (error) => {
    if (error.status !== 401) throw error;
    await api("/user/me");  // refreshes the access token (or signs out and throws)
    onProgress(0);
    return once();
  });
}

const isPdf = (file) => file.type === "application/pdf" || /\.pdf$/i.test(file.name);

/** The panel. Returns {upload(files), destroy()}. */
export function mountUpload(container, ctx = {}) {
  const toggle = el("button", { type: "button", className: "sk-upload-toggle" }, "応募者を追加");
  const body = el("div", { className: "sk-upload-body", id: "sk-upload-body" });
  toggle.setAttribute("aria-controls", body.id);
  const setOpen = (open) => {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    localStorage.setItem(COLLAPSED, open ? "0" : "1");
  };

  // One applicant: name, furigana, 媒体 and the résumé.
  const name = el("input", { name: "name", required: true, maxLength: 100, placeholder: "山田 太郎" });
  const furigana = el("input", { name: "furigana", maxLength: 100 });
  const source = el("input", { name: "source", maxLength: 100, placeholder: "例: 紹介" });
  const resume = el("input", { name: "resume", type: "file", accept: "application/pdf", required: true });
  const single = el("form", { className: "sk-upload-single" }, field("氏名", name), field("ふりがな", furigana),
    field("媒体", source), field("履歴書 PDF", resume), el("button", { type: "submit", textContent: "アップロード" }));

  // Many: drop or pick PDFs; each is sent on its own, so each has its own bar and its own result.
  const bulkSource = el("input", { maxLength: 100, placeholder: "例: 合同説明会" });
  const picker = el("input", { type: "file", accept: "application/pdf", multiple: true, className: "sk-sr-only" });
  picker.setAttribute("aria-label", "履歴書 PDF を選択 (複数可)");
  const choose = el("button", { type: "button", className: "secondary", textContent: "ファイルを選択" });
  const drop = el("div", { className: "sk-drop" },
    el("p", { textContent: "ここに PDF をドラッグ＆ドロップ (氏名は履歴書から読み取ります)" }), choose, picker);
  const files = el("ul", { className: "sk-upload-files" });
  files.setAttribute("aria-label", "アップロード中のファイル");
  jobsArea = el("div", { className: "sk-jobs" });
  const bulk = el("div", { className: "sk-bulk" }, el("h3", { textContent: "まとめて追加 (1ファイル1名)" }),
    field("媒体 (任意)", bulkSource), drop);
  body.append(el("div", { className: "sk-upload-ways" },
    el("div", {}, el("h3", { textContent: "1名を追加" }), single), bulk), files, jobsArea);
  container.replaceChildren(el("section", { className: "sk-upload card" }, el("h2", {}, toggle), body));
  setOpen(localStorage.getItem(COLLAPSED) !== "1");
  toggle.addEventListener("click", () => setOpen(body.hidden));

  const queue = [];
  let running = 0;
  function row(file) {
    const bar = el("progress", { max: 100, value: 0 });
    bar.setAttribute("aria-label", `${file.name} の送信`);
    const state = el("span", { className: "sk-upload-state", textContent: "待機中" });
    const item = el("li", { className: "sk-upload-file" }, el("span", { className: "sk-upload-name", textContent: file.name }), bar, state);
    files.prepend(item);
    return { item, bar, state };
  }
  function accepted(applicants) {
    ctx.onUploaded?.(applicants);
    window.dispatchEvent(new CustomEvent("senko:uploaded", { detail: { applicants } }));
  }
  async function send(job) {
    const { view } = job;
    view.state.textContent = "送信中 0%";
    try {
      const result = await job.post((fraction) => {
        view.bar.value = Math.round(fraction * 100);
        view.state.textContent = fraction < 1 ? `送信中 ${Math.round(fraction * 100)}%` : "処理待ち";
      });
      view.bar.value = 100;
      view.item.classList.add("sk-done");
      view.state.textContent = "受け付けました (読み取り中)";
      accepted(result.applicants || (result.applicant ? [result.applicant] : []));
    } catch (error) {
      view.item.classList.add("sk-error");
      view.state.textContent = errorText(error);
    }
  }
  function pump() {
    while (running < PARALLEL && queue.length) {
      running += 1;
      send(queue.shift()).finally(() => { running -= 1; pump(); });
    }
  }
  function enqueue(file, post) {
    const view = row(file);
    if (!isPdf(file)) {
      view.item.classList.add("sk-error");
      view.state.textContent = "PDF ではありません (送信しません)";
      return;
    }
    queue.push({ view, post });
    pump();
  }

  /** Upload PDFs, one new applicant each (POST /applicant/bulk with one file per request). */
  function upload(list) {
    for (const file of list) {
      enqueue(file, (progress) => {
        const form = new FormData();
        form.append("resumes", file, file.name);
        if (bulkSource.value.trim()) form.append("source", bulkSource.value.trim());
        return sendForm("/applicant/bulk", form, progress);
      });
    }
  }

  single.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = resume.files[0];
    const form = new FormData();
    for (const input of [name, furigana, source]) if (input.value.trim()) form.append(input.name, input.value.trim());
    form.append("resume", file, file.name);
    enqueue(file, (progress) => sendForm("/applicant", form, progress));
    single.reset();
  });
  choose.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => { upload([...picker.files]); picker.value = ""; });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("sk-over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("sk-over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("sk-over");
    upload([...(event.dataTransfer?.files || [])]);
  });
  // Admins: a running bulk job (bell.js passes on its "bulk_progress" events) gets a bar here by itself.
  const tracked = new Set();
  const onEvent = (event) => {
    const { kind, data = {} } = event.detail || {};
    if (ctx.role !== "admin" || kind !== "bulk_progress" || !data.job_id || tracked.has(data.job_id)) return;
    tracked.add(data.job_id);
    const label = JOB_LABELS[data.job_kind] || "一括処理";
    trackJob(data.job_id, { label, removeAfter: 15000 }).catch(() => {});
  };
  window.addEventListener("senko:event", onEvent);
  return { upload, destroy() { window.removeEventListener("senko:event", onEvent); jobsArea = null; container.replaceChildren(); } };
}

/**
 * Follow a long job (GET /jobs/<id>) with a progress bar until it is done or cancelled.
 * options: container (default: the upload panel's job area, else a box at the bottom of the page), label, interval (ms),
 * removeAfter (ms after the end to remove the bar; 0 keeps it).
 * Resolves with the last job seen; rejects with an ApiFailure when the job cannot be read.
 */
export async function trackJob(jobId, { container = null, label = "処理", interval = 1000, removeAfter = 0 } = {}) {
  const bar = el("progress", { max: 1, value: 0 });
  bar.setAttribute("aria-label", `${label}の進み具合`);
  const text = el("span", { className: "sk-job-state", textContent: "開始しています" });
  const item = el("div", { className: "sk-job" }, el("span", { className: "sk-job-label", textContent: label }), bar, text);
  item.setAttribute("role", "status");
  let host = container || jobsArea;
  if (!host || !host.isConnected) {
    host = document.getElementById("sk-jobs-floating") || el("div", { id: "sk-jobs-floating", className: "sk-jobs" });
    document.body.append(host);
  }
  host.append(item);
  for (;;) {
    let job;
    try {
      const data = await api(`/jobs/${jobId}`);
      job = data.job || data;
    } catch (error) {
      item.classList.add("sk-error");
      text.textContent = errorText(error);
      throw error;
    }
    const total = job.total || 0;
    const handled = (job.done || 0) + (job.failed || 0);
    bar.max = Math.max(total, 1);
    bar.value = Math.min(handled, bar.max);
    const failed = job.failed ? ` (失敗 ${job.failed} 件)` : "";
    if (FINISHED.has(job.status)) {
      const word = job.status === "done" || job.status === "finished" ? "完了" : job.status === "failed" ? "失敗" : "中止";
      text.textContent = `${word}: ${handled} / ${total} 件${failed}`;
      item.classList.add(word === "完了" ? "sk-done" : "sk-error");
      if (removeAfter) setTimeout(() => item.remove(), removeAfter);
      return job;
    }
    text.textContent = `${handled} / ${total} 件${failed}`;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
