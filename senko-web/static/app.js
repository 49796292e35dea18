// Senko's browser UI, part 6 of 6: login, the pages, uploads, the models card, the events poll (popups) and start-up.
"use strict";

// The pages, by address: 応募者 (everyone), 媒体連携 and ユーザーと監査 (admins).
const VIEWS = [
  { hash: "", view: "applicants-view", nav: "nav-applicants", open: () => loadApplicants().catch(() => {}) },
  { hash: "#sources", view: "sources-view", nav: "nav-sources", admin: true, open: () => openSources() },
  { hash: "#users", view: "users-view", nav: "nav-users", admin: true, open: () => openUsers() },
];

function showView(reload = false) {
  const admin = state.user?.role === "admin";
  const current = VIEWS.find((v) => v.hash === location.hash && (!v.admin || admin)) || VIEWS[0];
  for (const v of VIEWS) {
    $(v.view).hidden = v !== current;
    $(v.nav).classList.toggle("current", v === current);
  }
  if (current !== VIEWS[0] || reload) current.open();
}

// Events since the last poll become popups; failures (résumé, training, a source's run) show in red.
function isFailure(kind) { return kind === "failed" || kind.endsWith("_failed"); }

async function pollEvents() {
  try {
    const query = state.cursor === null ? "" : `?after=${state.cursor}`;
    const data = await api(`/events${query}`);
    const fresh = state.cursor === null ? [] : data.events;  // the first call only sets the cursor
    for (const event of fresh) toast(event.message, isFailure(event.kind) ? "failed" : "", event.kind === "scored" || event.kind === "unscored");
    if (fresh.length) loadApplicants();
    state.cursor = data.cursor;
    if (state.user?.role === "admin") sourcesChanged(fresh);
  } catch (error) { /* next poll tries again */ }
}

async function loadModels() {
  const data = await api("/models");
  $("models").querySelector("tbody").replaceChildren(...data.models.map((m) => {
    let action = "";
    if (m.status !== "active") {
      action = button("有効にする", async () => {
        $("models-message").textContent = (await api(`/models/${m.version}/activate`, { method: "POST" })).message; loadModels();
      });
    }
    return row(m.version, m.algorithm, m.rolled_back_at ? `${m.status}（ロールバック済み）` : m.status,
               m.metrics.roc_auc ?? "—", m.training_size ?? "—", action);
  }));
}

async function show() {
  const loggedIn = Boolean(state.access);
  $("login-view").hidden = loggedIn; $("app-view").hidden = !loggedIn; $("whoami").hidden = !loggedIn;
  if (!loggedIn) return;
  try {
    state.user = (await api("/user/me")).user;
  } catch (error) { clearSession(); return show(); }
  const admin = state.user.role === "admin";
  $("user-email").textContent = `${state.user.name} (${state.user.email})`;
  $("password-user").value = state.user.email;
  $("models-card").hidden = !admin;
  $("nav").hidden = !admin;
  showView();
  await loadSourceNames();
  await loadApplicants();
  if (admin) loadModels();
  state.cursor = null;
  await pollEvents();
  clearInterval(state.timer);
  state.timer = setInterval(pollEvents, (config.pollSeconds || 3) * 1000);
}

async function upload(event, form) {
  event.preventDefault();
  try {
    const data = await api(form.path, { method: "POST", body: form.body() });
    $("upload-message").textContent = form.done(data); event.target.reset(); loadApplicants();
  } catch (error) { $("upload-message").textContent = error.message; }
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
  $("upload-form").addEventListener("submit", (event) => upload(event, {
    path: "/applicant",
    body: () => {
      const form = new FormData();
      form.append("name", $("upload-name").value); form.append("furigana", $("upload-furigana").value);
      form.append("resume", $("upload-file").files[0]);
      return form;
    },
    done: (data) => `${data.applicant.name} さんの履歴書を受け付けました (処理中)`,
  }));
  $("bulk-form").addEventListener("submit", (event) => upload(event, {
    path: "/applicant/bulk",
    body: () => {
      const form = new FormData();
      for (const file of $("bulk-files").files) form.append("resumes", file);
      return form;
    },
    done: (data) => data.message,
  }));
  $("train").addEventListener("click", async () => {
    try { $("models-message").textContent = (await api("/models/train", { method: "POST", json: {} })).message; }
    catch (error) { $("models-message").textContent = error.message; }
  });
  $("rollback").addEventListener("click", async () => {
    try { $("models-message").textContent = (await api("/models/rollback", { method: "POST" })).message; loadModels(); }
    catch (error) { $("models-message").textContent = error.message; }
  });
  for (const v of VIEWS) $(v.nav).addEventListener("click", () => { location.hash = v.hash; });
  window.addEventListener("hashchange", () => showView(true));
  wireApplicants();
  wireSources();
  wireAccount();
  wireSourceForm();
}

wire();
show();
