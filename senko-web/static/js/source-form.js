// Adding and editing a source (settings as JSON, 接続テスト) and the allow list.

import { api } from "./api.js";
import { $, row } from "./dom.js";
import { formatDate } from "./format.js";
import { errorText, japaneseError } from "./errors.js";
import { loadSourceNames } from "./list.js";
import { loadSources } from "./sources.js";

// A starting point per kind (the settings are documented in senko/sources/connectors/<kind>.py).
// Secret keys are left empty: they are stored encrypted and never shown again.
const TEMPLATES = {
  json_api: { url: "https://board.example/api/applications", api_key: "", api_key_header: "X-API-Key",
              items_path: "applications", cursor_param: "cursor", next_cursor_path: "next_cursor",
              fields: { external_id: "id", name: "name", furigana: "furigana", email: "email", phone: "phone",
                        applied_at: "applied_at", resume_url: "resume_url" },
              delay_seconds: 0 },
  html_console: { login_url: "https://console.example/login", username: "", password: "",
                  username_field: "username", password_field: "password", csrf_field: "csrf_token",
                  list_url: "https://console.example/applicants", page_param: "page", first_page: 1,
                  selectors: { row_link: "table.applicants a.detail", external_id: ".applicant-id", name: ".name",
                               furigana: ".furigana", email: ".email", phone: ".phone", applied_at: ".applied-at",
                               resume_link: "a.resume@href" },
                  delay_seconds: 1 },
  imap: { host: "imap.example.co.jp", port: 993, username: "", password: "", folder: "INBOX", tls: true,
          verify_tls: true, move_to: "", batch_size: 20 },
};
// Why a test failed (the ``reason`` of the API), as the run's popups say it.
const REASONS = { auth: "認証エラー", unreachable: "接続できません", refused: "接続先が許可されていません", too_large: "応答が大きすぎます",
                  timeout: "タイムアウト", bad_response: "応答を読み取れません", settings: "設定エラー" };
const SECRET_KEYS = { json_api: ["api_key"], html_console: ["password"], imap: ["password"] };
const DEFAULT_SCHEDULE = "07:30,11:30,15:30,19:30";
const formState = { editing: null };  // the source being edited, null when adding

const pretty = (value) => JSON.stringify(value, null, 2);

function openSourceForm(source = null) {
  formState.editing = source;
  $("source-form-card").hidden = false;
  $("source-form-title").textContent = source ? `媒体を編集: ${source.name}` : "媒体を追加";
  $("source-name").value = source ? source.name : "";
  $("source-kind").value = source ? source.kind : "json_api";
  $("source-kind").disabled = Boolean(source);  // the API does not change a source's kind
  $("source-schedule").value = source ? source.schedule.join(",") : DEFAULT_SCHEDULE;
  $("source-enabled").checked = source ? source.enabled : true;
  $("source-lookback").value = source ? source.lookback_days : 30;
  const secrets = Object.fromEntries(SECRET_KEYS[$("source-kind").value].map((key) => [key, ""]));
  $("source-settings").value = pretty(source ? { ...source.settings, ...secrets } : TEMPLATES.json_api);
  $("source-secrets-saved").textContent = source && source.secrets_set.length
    ? `保存済みの秘密情報: ${source.secrets_set.join(", ")} (空欄のままなら保存済みの値を使います)` : "";
  $("source-error").textContent = "";
  clearTestResult();
  $("source-form-card").scrollIntoView({ block: "start" });
  $("source-name").focus();
}

export function editSource(source) { openSourceForm(source); }

function clearTestResult() {
  $("source-test-result").textContent = ""; $("source-test-result").className = "";
  $("source-test-items").hidden = true;
}

// The kind changed while adding: offer its template (without asking when the settings are untouched).
function kindChanged() {
  const current = $("source-settings").value.trim();
  const untouched = !current || Object.values(TEMPLATES).some((t) => pretty(t) === current);
  if (untouched || confirm("設定をこの種類のひな形に置き換えますか?")) $("source-settings").value = pretty(TEMPLATES[$("source-kind").value]);
}

// The settings from the textarea, without empty secrets (the API keeps stored secrets that are not given).
function formSettings() {
  let settings;
  try { settings = JSON.parse($("source-settings").value); } catch (error) {
    throw japaneseError(`設定 (JSON) を読み取れません: ${error.message}`);
  }
  if (!settings || typeof settings !== "object" || Array.isArray(settings)) throw japaneseError("設定は JSON のオブジェクト ({...}) で書いてください");
  for (const key of SECRET_KEYS[$("source-kind").value]) if (settings[key] === "") delete settings[key];
  return settings;
}

function formBody() {
  const body = { name: $("source-name").value.trim(), settings: formSettings(), enabled: $("source-enabled").checked,
                 schedule: $("source-schedule").value.split(/[,、\s]+/).filter(Boolean) };
  if ($("source-lookback").value) body.lookback_days = Number($("source-lookback").value);
  const editing = formState.editing;
  if (!editing) body.kind = $("source-kind").value;
  // Unchanged settings are not sent: a change of settings makes the source start over at the board's first page.
  else if (JSON.stringify(body.settings) === JSON.stringify(editing.settings)) delete body.settings;
  return body;
}

async function saveSource(event) {
  event.preventDefault();
  $("source-error").textContent = "";
  try {
    const editing = formState.editing;
    const data = editing ? await api(`/sources/${editing.id}`, { method: "PATCH", body: formBody() })
                         : await api("/sources", { method: "POST", body: formBody() });
    $("source-form-card").hidden = true;
    $("sources-message").textContent = `${data.source.name} を保存しました`;
    await Promise.all([loadSources(), loadSourceNames()]);
  } catch (error) { $("source-error").textContent = errorText(error); }
}

async function testSource() {
  $("source-error").textContent = ""; clearTestResult();
  $("source-test").disabled = true;
  $("source-test-result").textContent = "接続しています…";
  try {
    const editing = formState.editing;
    const result = editing ? await api(`/sources/${editing.id}/test`, { method: "POST", body: { settings: formSettings() } })
                           : await api("/sources/test", { method: "POST", body: { kind: $("source-kind").value, settings: formSettings() } });
    showTestResult(result);
  } catch (error) { clearTestResult(); $("source-error").textContent = errorText(error); }
  finally { $("source-test").disabled = false; }
}

function showTestResult(result) {
  $("source-test-result").className = result.ok ? "test-ok" : "test-failed";
  $("source-test-result").textContent = result.ok ? `接続できました: ${result.message}`
                                                  : `接続できません (${REASONS[result.reason] || result.reason}): ${result.message}`;
  $("source-test-items").hidden = !result.items.length;
  $("source-test-items").querySelector("tbody").replaceChildren(...result.items.map((item) =>
    row(item.external_id, item.name, item.applied_at, item.has_resume ? "あり" : "なし", item.error || "")));
}

// ---- the allow list ---------------------------------------------------------------------------
function showAllowList(data) {
  $("allow-list-entries").value = data.entries.join("\n");
  $("allow-list-env").textContent = data.from_environment.length
    ? `環境変数 SENKO_SOURCES_ALLOW_LIST でも許可: ${data.from_environment.join(", ")}` : "";
  $("allow-list-meta").textContent = data.updated_at ? `最終更新: ${data.updated_by || "—"} (${formatDate(data.updated_at)})` : "まだ変更されていません";
}

export async function loadAllowList() {
  try { showAllowList(await api("/sources/allow-list")); } catch (error) { $("allow-list-message").textContent = errorText(error); }
}

async function saveAllowList() {
  $("allow-list-message").textContent = "";
  const entries = $("allow-list-entries").value.split("\n").map((line) => line.trim()).filter(Boolean);
  try {
    showAllowList(await api("/sources/allow-list", { method: "PUT", body: { entries } }));
    $("allow-list-message").textContent = "接続許可リストを保存しました";
  } catch (error) { $("allow-list-message").textContent = errorText(error); }
}

export function wireSourceForm() {
  $("source-add").addEventListener("click", () => openSourceForm());
  $("source-kind").addEventListener("change", kindChanged);
  $("source-form").addEventListener("submit", saveSource);
  $("source-test").addEventListener("click", testSource);
  $("source-cancel").addEventListener("click", () => { $("source-form-card").hidden = true; });
  $("allow-list-save").addEventListener("click", saveAllowList);
}
