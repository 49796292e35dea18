// Senko's browser UI: plain JavaScript, no build step, talks to the API with Bearer tokens.
"use strict";

const config = window.SENKO_CONFIG || {};
const apiBase = (() => {
  const fromUrl = new URLSearchParams(location.search).get("api");
  if (fromUrl) sessionStorage.setItem("senko.api", fromUrl);
  return (sessionStorage.getItem("senko.api") || config.apiBase ||
          `${location.protocol}//${location.hostname}:9999`).replace(/\/$/, "");
})();

const state = { access: sessionStorage.getItem("senko.access"), refresh: sessionStorage.getItem("senko.refresh"),
                user: null, page: 1, limit: 20, cursor: null, selected: null, timer: null };
const $ = (id) => document.getElementById(id);

function saveTokens(access, refresh) {
  state.access = access; sessionStorage.setItem("senko.access", access);
  if (refresh) { state.refresh = refresh; sessionStorage.setItem("senko.refresh", refresh); }
}

function clearSession() {
  state.access = state.refresh = state.user = null;
  sessionStorage.removeItem("senko.access"); sessionStorage.removeItem("senko.refresh");
  clearInterval(state.timer);
}

// Every call goes through here: JSON in and out, one silent refresh when the access token expired.
async function api(path, options = {}, retry = true) {
  const headers = Object.assign({}, options.headers || {});
  if (state.access) headers.Authorization = `Bearer ${state.access}`;
  if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
  const response = await fetch(apiBase + path, { method: options.method || "GET", headers, body: options.body });
  if (response.status === 401 && retry && state.refresh && !path.startsWith("/user/")) {
    const refreshed = await fetch(apiBase + "/user/refresh", { method: "POST", headers: { Authorization: `Bearer ${state.refresh}` } });
    if (refreshed.ok) { saveTokens((await refreshed.json()).access_token); return api(path, options, false); }
    clearSession(); show();
  }
  if (options.raw) return response;
  const body = await response.json().catch(() => ({ message: response.statusText }));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

function toast(message, kind = "") {
  const node = document.createElement("div");
  node.className = `toast ${kind}`;
  node.textContent = message;
  $("toasts").appendChild(node);
  setTimeout(() => node.remove(), 8000);
}

function percent(score) { return score === null || score === undefined ? "—" : `${Math.round(score * 100)}%`; }
const STATUS = { no_resume: "履歴書なし", queued: "待機中", processing: "処理中", scored: "採点済み", unscored: "未採点", failed: "読み取り失敗" };

async function loadApplicants() {
  const params = new URLSearchParams();
  for (const [id, key] of [["filter-triage", "triage"], ["filter-decision", "decision"], ["sort", "sort"]]) {
    if ($(id).value) params.set(key, $(id).value);
  }
  const data = await api(`/applicant/${state.limit}/${state.page}?${params}`);
  $("total").textContent = `${data.total} 名`;
  $("page-label").textContent = `${data.page} / ${Math.max(data.pages, 1)}`;
  $("prev").disabled = data.page <= 1; $("next").disabled = data.page >= data.pages;
  const body = $("applicants").querySelector("tbody");
  body.replaceChildren(...data.applicants.map((a) => {
    const row = document.createElement("tr");
    row.className = a.triage; row.dataset.id = a.id;
    const cells = [a.name_source === "filename" ? `${a.name}（ファイル名）` : a.name, null, percent(a.score), a.decision || "未判定"];
    cells.forEach((text, index) => {
      const cell = document.createElement("td");
      if (index === 1) {
        const badge = document.createElement("span");
        badge.className = `badge ${a.status}`; badge.textContent = STATUS[a.status] || a.status;
        badge.title = a.failure_detail || ""; cell.appendChild(badge);
      } else cell.textContent = text;
      row.appendChild(cell);
    });
    const open = document.createElement("td");
    const button = document.createElement("button"); button.type = "button"; button.textContent = "詳細";
    button.addEventListener("click", () => showDetail(a.id));
    open.appendChild(button); row.appendChild(open);
    return row;
  }));
}

async function showDetail(id) {
  state.selected = id;
  const { applicant } = await api(`/applicant/${id}`);
  const nouns = applicant.resume ? await api(`/applicant/${id}/nouns`) : { nouns: [] };
  $("detail").hidden = false;
  $("detail-name").textContent = `${applicant.name}${applicant.furigana ? ` (${applicant.furigana})` : ""}`;
  $("detail-status").textContent = `状態: ${STATUS[applicant.status] || applicant.status}` +
    (applicant.failure_reason ? ` — ${applicant.failure_reason}: ${applicant.failure_detail || ""}` : "") +
    (applicant.decision ? ` / 判定 ${applicant.decision} (${applicant.decided_by}, ${applicant.decided_at})` : "");
  $("detail-score").textContent = `OK度数 ${percent(applicant.score)}` + (applicant.model_version ? ` (モデル ${applicant.model_version})` : "");
  $("detail-explanation").replaceChildren(...(applicant.explanation || []).map((e) => {
    const item = document.createElement("li");
    item.textContent = `${e.noun} ${e.weight > 0 ? "+" : ""}${e.weight}`;
    return item;
  }));
  $("detail-nouns").textContent = nouns.nouns.map((n) => `${n.noun}×${n.count}`).join("、 ");
  $("download").disabled = !applicant.resume;
}

async function decide(decision) {
  await api(`/applicant/${state.selected}`, { method: "PATCH", json: { decision } });
  await Promise.all([showDetail(state.selected), loadApplicants()]);
}

async function pollEvents() {
  try {
    const query = state.cursor === null ? "" : `?after=${state.cursor}`;
    const data = await api(`/events${query}`);
    if (state.cursor !== null) {
      for (const event of data.events) toast(event.message, event.kind === "failed" ? "failed" : "");
      if (data.events.length) loadApplicants();
    }
    state.cursor = data.cursor;
  } catch (error) { /* next poll tries again */ }
}

async function loadModels() {
  const data = await api("/models");
  $("models").querySelector("tbody").replaceChildren(...data.models.map((m) => {
    const row = document.createElement("tr");
    for (const text of [m.version, m.algorithm, m.rolled_back_at ? `${m.status}（ロールバック済み）` : m.status, m.metrics.roc_auc ?? "—", m.training_size ?? "—"]) {
      const cell = document.createElement("td"); cell.textContent = text; row.appendChild(cell);
    }
    const cell = document.createElement("td");
    if (m.status !== "active") {
      const button = document.createElement("button"); button.type = "button"; button.textContent = "有効にする";
      button.addEventListener("click", async () => { $("models-message").textContent = (await api(`/models/${m.version}/activate`, { method: "POST" })).message; loadModels(); });
      cell.appendChild(button);
    }
    row.appendChild(cell);
    return row;
  }));
}

async function show() {
  const loggedIn = Boolean(state.access);
  $("login-view").hidden = loggedIn; $("app-view").hidden = !loggedIn; $("whoami").hidden = !loggedIn;
  if (!loggedIn) return;
  try {
    state.user = (await api("/user/me")).user;
  } catch (error) { clearSession(); return show(); }
  $("user-email").textContent = `${state.user.name} (${state.user.email})`;
  $("models-card").hidden = state.user.role !== "admin";
  await loadApplicants();
  if (state.user.role === "admin") loadModels();
  state.cursor = null;
  await pollEvents();
  clearInterval(state.timer);
  state.timer = setInterval(pollEvents, (config.pollSeconds || 3) * 1000);
}

function wire() {
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const data = await api("/user/login", { method: "POST", json: { email: $("login-email").value, password: $("login-password").value } });
      saveTokens(data.access_token, data.refresh_token);
      await show();
    } catch (error) { $("login-error").textContent = error.message; }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("/user/logout", { method: "POST" }); } catch (error) { /* token may be gone already */ }
    if (state.refresh) await fetch(apiBase + "/user/logout/refresh", { method: "POST", headers: { Authorization: `Bearer ${state.refresh}` } }).catch(() => {});
    clearSession(); show();
  });
  $("upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData();
    form.append("name", $("upload-name").value); form.append("furigana", $("upload-furigana").value);
    form.append("resume", $("upload-file").files[0]);
    try {
      const data = await api("/applicant", { method: "POST", body: form });
      $("upload-message").textContent = `${data.applicant.name} さんの履歴書を受け付けました (処理中)`;
      event.target.reset(); loadApplicants();
    } catch (error) { $("upload-message").textContent = error.message; }
  });
  $("bulk-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData();
    for (const file of $("bulk-files").files) form.append("resumes", file);
    try {
      const data = await api("/applicant/bulk", { method: "POST", body: form });
      $("upload-message").textContent = data.message; event.target.reset(); loadApplicants();
    } catch (error) { $("upload-message").textContent = error.message; }
  });
  for (const id of ["filter-triage", "filter-decision", "sort"]) $(id).addEventListener("change", () => { state.page = 1; loadApplicants(); });
  $("prev").addEventListener("click", () => { state.page -= 1; loadApplicants(); });
  $("next").addEventListener("click", () => { state.page += 1; loadApplicants(); });
  $("decide-ok").addEventListener("click", () => decide("OK"));
  $("decide-ng").addEventListener("click", () => decide("NG"));
  $("download").addEventListener("click", async () => {
    const response = await api(`/applicant/${state.selected}/resume`, { raw: true });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob()); link.download = `resume-${state.selected}.pdf`; link.click();
  });
  $("delete").addEventListener("click", async () => {
    if (!confirm("この応募者のデータをすべて削除します。よろしいですか?")) return;
    await api(`/applicant/${state.selected}`, { method: "DELETE" });
    $("detail").hidden = true; loadApplicants();
  });
  $("train").addEventListener("click", async () => {
    try { $("models-message").textContent = (await api("/models/train", { method: "POST", json: {} })).message; }
    catch (error) { $("models-message").textContent = error.message; }
  });
  $("rollback").addEventListener("click", async () => {
    try { $("models-message").textContent = (await api("/models/rollback", { method: "POST" })).message; loadModels(); }
    catch (error) { $("models-message").textContent = error.message; }
  });
}

wire();
show();
