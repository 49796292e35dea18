// Senko's browser UI: the shell. Login, the pages (応募者, 媒体連携, ユーザーと監査), the events poll,
// and the slots where optional modules plug in (charts.js, bell.js, upload.js). ES modules, no build
// step, nothing inline: the UI works under a strict CSP (script-src 'self', style-src 'self').
//
// Plug-in modules (each optional: a missing one leaves the shell's own fallback in place), mounted after
// each login and destroyed at logout, get `ctx`:
//   ctx = { api, ApiFailure, toast, withBusy, formatDate, errorText,
//           user, role, userId, email                      (the signed-in user),
//           openApplicant(id)                              (switches to 応募者 and opens it on the right),
//           onFilter({score_min, score_max}) / setFilters({...any list filter, null removes})  (→ list, URL),
//           getFilters(), refreshList(), onUploaded(applicants)  (reloads the list),
//           onListLoaded(fn) → unsubscribe                 (fn(rows) after each load of the list) }
//   charts.js: mountHistogram(el, ctx) → {refresh(), destroy()}      in #histogram-slot (above the list)
//              mountModelCharts(el, ctx) → {show(version), destroy()} in #model-charts-slot (admins)
//   bell.js:   mountBell(el, ctx) → {destroy()}                      in #bell-slot (header). The bell owns the
//              GET /events poll and the popups; it dispatches window "senko:event" per event, which the shell
//              uses to refresh the list and the 媒体連携 page. Without bell.js the shell polls and pops up itself.
//   upload.js: mountUpload(el, ctx) → {destroy()}                    in #upload-slot (replaces the plain forms)

import { api, ApiFailure, apiBase, sessionEvents } from "./api.js";
import { $ } from "./dom.js";
import { toast } from "./toast.js";
import { withBusy } from "./busy.js";
import { formatDate } from "./format.js";
import { errorText } from "./errors.js";
import { hasSession, isAdmin, loadUser, login, signOut, user } from "./session.js";
import { getFilters, loadList, loadSourceNames, setFilters } from "./list.js";
import { initReview, openApplicant, startReview } from "./review.js";
import { openSources, sourcesChanged, wireSources } from "./sources.js";
import { wireSourceForm } from "./source-form.js";
import { openUsers, wireAccount } from "./account.js";
import { attachModelCharts, loadModels, wireModels } from "./models.js";
import { wireUploadForms } from "./upload-forms.js";
import { mount as mountFairness } from "./fairness.js";
import { mount as mountGovernance } from "./governance.js";

// Each view names the roles that may see it (the API refuses the others anyway): an auditor gets only 公正性レポート.
const STAFF = ["admin", "recruiter"];
const VIEWS = [
  { hash: "", view: "applicants-view", nav: "nav-applicants", roles: STAFF, open: () => loadList().catch(() => {}) },
  { hash: "#sources", view: "sources-view", nav: "nav-sources", roles: ["admin"], open: () => openSources() },
  { hash: "#users", view: "users-view", nav: "nav-users", roles: ["admin"], open: () => openUsers() },
  { hash: "#fairness", view: "fairness-view", nav: "nav-fairness", roles: ["auditor", "admin"], open: () => openPage("fairness", mountFairness) },
  { hash: "#governance", view: "governance-view", nav: "nav-governance", roles: ["admin"], open: () => openPage("governance", mountGovernance) },
];
const pages = {};
const allowed = (v) => v.roles.includes(user()?.role);
const isStaff = () => STAFF.includes(user()?.role);

function openPage(name, mount) {
  pages[name]?.destroy?.();
  pages[name] = mount($(`${name}-view`), ctx) || {};
}

function closePages() {
  for (const name of Object.keys(pages)) { try { pages[name]?.destroy?.(); } catch (error) { console.error(error); } delete pages[name]; }
}
const listeners = { events: new Set(), list: new Set() };
const poll = { cursor: null, timer: null, own: true };
let plugins = null;

function subscribe(set, fn) { set.add(fn); return () => set.delete(fn); }

const ctx = {
  api, ApiFailure, toast, withBusy, formatDate, errorText,
  get user() { return user(); },
  get role() { return user()?.role; },
  get userId() { return user()?.id; },
  get email() { return user()?.email; },
  openApplicant: (id) => { if (location.hash) location.hash = ""; return openApplicant(id, { focus: true }); },
  onFilter: (range) => setFilters(range).catch((error) => toast(errorText(error), { kind: "failed" })),
  setFilters: (changes) => setFilters(changes),
  getFilters: () => getFilters(),
  refreshList: () => loadList(),
  onUploaded: () => loadList().catch(() => {}),
  onEvents: (fn) => subscribe(listeners.events, fn),
  onListLoaded: (fn) => subscribe(listeners.list, fn),
};

function showView(reload = false) {
  const current = VIEWS.find((v) => v.hash === location.hash && allowed(v)) || VIEWS.find(allowed) || VIEWS[0];
  for (const v of VIEWS) {
    $(v.nav).hidden = !allowed(v);
    $(v.view).hidden = v !== current;
    $(v.nav).classList.toggle("current", v === current);
    if (v === current) $(v.nav).setAttribute("aria-current", "page"); else $(v.nav).removeAttribute("aria-current");
  }
  if (current !== VIEWS[0] || reload) current.open();
}

// ---- events: popups (unless bell.js shows them) and whoever subscribed ----------------------------------
function isFailure(kind) { return kind === "failed" || kind.endsWith("_failed"); }

async function pollEvents() {
  try {
    const data = await api(`/events${poll.cursor === null ? "" : `?after=${poll.cursor}`}`);
    const fresh = poll.cursor === null ? [] : data.events;  // the first call only sets the cursor
    poll.cursor = data.cursor;
    if (!fresh.length) { if (isAdmin()) sourcesChanged([]); return; }
    {
      for (const event of fresh) {
        const open = event.applicant_id ? () => ctx.openApplicant(event.applicant_id) : null;
        toast(event.message, { kind: isFailure(event.kind) ? "failed" : event.kind === "scored" || event.kind === "unscored" ? "routine" : "info",
                               onClick: open });
      }
    }
    for (const fn of listeners.events) { try { fn(fresh); } catch (error) { console.error(error); } }
    loadList().catch(() => {});
    plugins?.histogram?.refresh?.();
    if (isAdmin()) sourcesChanged(fresh);
  } catch (error) { /* the next poll tries again */ }
}

// ---- plug-in modules ------------------------------------------------------------------------------------
async function optional(name) {
  try { return await import(`./${name}`); } catch (error) { return null; }
}

async function mountPlugins() {
  destroyPlugins();
  plugins = {};
  const [charts, bell, upload] = await Promise.all([optional("charts.js"), optional("bell.js"), optional("upload.js")]);
  const guard = (what, fn) => { try { return fn() || {}; } catch (error) { console.error(what, error); return null; } };
  if (upload?.mountUpload) plugins.upload = guard("upload.js", () => upload.mountUpload($("upload-slot"), ctx));
  if (charts?.mountHistogram) plugins.histogram = guard("charts.js", () => charts.mountHistogram($("histogram-slot"), ctx));
  if (charts?.mountModelCharts) {
    plugins.modelCharts = guard("charts.js", () => charts.mountModelCharts($("model-charts-slot"), ctx));
    attachModelCharts(plugins.modelCharts);
  }
  if (bell?.mountBell) plugins.bell = guard("bell.js", () => bell.mountBell($("bell-slot"), ctx));
  poll.own = !plugins.bell;  // the bell polls GET /events itself
}

function destroyPlugins() {
  for (const mounted of Object.values(plugins || {})) { try { mounted?.destroy?.(); } catch (error) { console.error(error); } }
  plugins = null;
}

// With the bell polling, its "senko:event"s refresh the list (once per burst) and the 媒体連携 page.
let refreshSoon = null;
function onBellEvent(event) {
  if (isAdmin()) sourcesChanged([event.detail]);
  clearTimeout(refreshSoon);
  refreshSoon = setTimeout(() => loadList().catch(() => {}), 300);
}

function tick() {
  if (poll.own) pollEvents();
  else if (isAdmin()) sourcesChanged([]);  // a running source is watched until it ends
}

// ---- signing in and out -----------------------------------------------------------------------------------
function showSignedOut() {
  clearInterval(poll.timer);
  destroyPlugins();
  closePages();
  $("login-view").hidden = false; $("app-view").hidden = true; $("whoami").hidden = true;
  $("login-email").focus();
}

async function show() {
  if (!hasSession() || !(await loadUser().catch(() => null))) { showSignedOut(); return; }
  const me = user();
  $("login-view").hidden = true; $("app-view").hidden = false; $("whoami").hidden = false;
  $("user-email").textContent = `${me.name} (${me.email})`;
  $("password-user").value = me.email;
  $("models-card").hidden = !isAdmin();
  $("nav").hidden = VIEWS.filter(allowed).length < 2;
  showView();
  if (!isStaff()) return;  // an auditor: no applicants, events or uploads to load
  await loadSourceNames();
  await mountPlugins();
  await startReview().catch((error) => toast(errorText(error), { kind: "failed" }));
  if (isAdmin()) loadModels().catch(() => {});
  poll.cursor = null;
  if (poll.own) await pollEvents();
  clearInterval(poll.timer);
  poll.timer = setInterval(tick, ((window.SENKO_CONFIG || {}).pollSeconds || 3) * 1000);
}

async function submitLogin(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  const submit = event.submitter || $("login-form").querySelector("button[type=submit]");
  submit.disabled = true;
  try {
    await login($("login-email").value, $("login-password").value);
    $("login-password").value = "";
    await show();
  } catch (error) {
    $("login-error").textContent = error.status === 401 && !error.code ? "メールアドレスまたはパスワードが違います。" : errorText(error);
  } finally { submit.disabled = false; }
}

function wire() {
  $("login-form").addEventListener("submit", submitLogin);
  $("logout").addEventListener("click", (event) => withBusy(event.currentTarget, async () => { await signOut(); showSignedOut(); }));
  for (const v of VIEWS) $(v.nav).addEventListener("click", () => { location.hash = v.hash; });
  window.addEventListener("hashchange", () => showView(true));
  const ended = () => { toast("ログインの有効期限が切れました。もう一度ログインしてください。", { kind: "failed" }); showSignedOut(); };
  sessionEvents.addEventListener("senko:signed-out", ended);
  window.addEventListener("senko:signed-out", showSignedOut);  // "log out everywhere" (account.js)
  window.addEventListener("senko:event", onBellEvent);
  initReview({ onListLoaded: (rows) => { for (const fn of listeners.list) fn(rows); } });
  wireUploadForms(() => loadList());
  wireModels();
  wireSources();
  wireSourceForm();
  wireAccount();
  document.documentElement.dataset.apiBase = apiBase();  // for people and tests: where this UI sends requests
}

wire();
show();
