// Model governance (issue 12 §6), per model version: the model card (data, metrics with intervals, comparison
// with the active model, group metrics, strongest ± nouns) with its 「確認しました」 acknowledgement, the shadow
// comparison (candidate vs active vs human decisions), and activation, which the API refuses until the card
// is acknowledged (shown in Japanese from the error's code). Admins only (listing the versions is an admin route).
//
//   import { mount } from "./governance.js";
//   const page = mount(container, ctx);   // ctx.role "admin"; any other role sees a refusal and no request
//   page.show("v3"); page.refresh(); page.destroy();
// Data: GET /models, GET /models/<v>/card, POST /models/<v>/card/ack, GET|POST /models/<v>/shadow,
//       POST /models/<v>/activate.

import { api } from "./api.js";
import { el } from "./dom.js";
import { errorText } from "./errors.js";
import { formatDate, formatDay } from "./format.js";
import { withBusy } from "./busy.js";
import { toast } from "./toast.js";
import { ATTRIBUTES, ensureStyles, fixed, groupName, interval, share, table, warningText } from "./fairness-common.js";

const STATUS = { active: "使用中", candidate: "候補", retired: "使用終了" };
const METRICS = { roc_auc: "AUC", accuracy: "正解率", precision: "適合率", recall: "再現率", f1: "F1", brier: "Brier (低いほど良い)" };
const COMPARISON = { refit: "有効なモデルのアルゴリズムを同じ学習データで学習し直して比較",
                     artifact: "有効なモデルのファイルそのもので比較 (この検証データを学習に使っている可能性があります)" };

const section = (title, ...content) => el("section", { className: "fx-card-section" }, el("h4", { textContent: title }), ...content);
const metricText = (value, ci) => (value === null || value === undefined ? "—" : `${fixed(value, 3)} ${interval(ci, (v) => fixed(v, 3))}`);

function dataSection(card) {
  const d = card.data || {};
  const balance = d.class_balance ? Object.entries(d.class_balance).map(([k, v]) => `${k} ${v} 名`).join("、") : "—";
  return section("学習データ", el("p", { id: "gv-data", textContent:
    `${d.size ?? "—"} 名 (${balance})。判定日 ${formatDay(d.decided_from)} 〜 ${formatDay(d.decided_to)}。` +
    `学習 ${formatDate(card.trained_at)}、アルゴリズム ${card.algorithm}、${card.source === "trained" ? "Senko で学習" : "取り込み"}。` }));
}

function metricsSection(card) {
  const holdout = card.holdout || {};
  const cv = card.cross_validation || {};
  const rows = Object.entries(METRICS).map(([key, label]) => [label, metricText(holdout.metrics?.[key], holdout.intervals?.[key]),
    metricText(cv[key], cv.intervals?.[key])]);
  const folds = cv.folds?.length ? el("p", { className: "hint", textContent: `交差検証の各回の AUC: ${cv.folds.map((v) => fixed(v, 3)).join("、")}` }) : null;
  return section("指標 (かっこ内は 95% 信頼区間)",
    table("モデルの指標", ["指標", `検証データ (${holdout.metrics?.holdout_size ?? "—"} 名)`, "交差検証 (実際に使うモデルの推定)"], rows), folds);
}

function comparisonSection(card) {
  const c = card.comparison;
  if (!c) return section("有効なモデルとの比較", el("p", { className: "hint", textContent: "比較する有効なモデルがありません。" }));
  if (c.error) return section("有効なモデルとの比較", el("p", { className: "error", textContent: `比較できませんでした (${c.error})` }));
  const diff = c.auc_difference;
  return section("有効なモデルとの比較 (同じ検証データ)",
    el("p", { textContent: `${c.active_version} と ${c.holdout_size} 名で比較: ${COMPARISON[c.method] || c.method}。` }),
    table("候補と有効なモデルの指標", ["指標", "このモデル", c.active_version], Object.entries(METRICS).map(([key, label]) =>
      [label, fixed(c.candidate?.[key], 3), fixed(c.active?.[key], 3)])),
    diff ? el("p", { textContent: `AUC の差 ${fixed(diff.value, 3)} ${interval(diff, (v) => fixed(v, 3))}` +
      (diff.low > 0 ? ": このモデルの方が良いと言えます。" : diff.high < 0 ? ": このモデルの方が悪いと言えます。" : ": はっきりした差はありません。") }) : null);
}

function groupsSection(card) {
  const check = card.fairness_check;
  const verdict = !check ? el("p", { className: "hint", textContent: "この版にはグループ別の検査がありません。" })
    : check.passed ? el("p", { className: "fx-fine", textContent: `公正性の検査: 合格 (各グループ ${check.min_group_size} 名以上で、比が 0.8 を下回るものなし)` })
      : el("div", { className: "fx-warning", role: "alert" }, el("p", { textContent: "公正性の検査: 不合格" }),
        el("ul", {}, ...check.failures.map((w) => el("li", { textContent: warningText(w, w.attribute) }))));
  const tables = Object.entries(card.groups || {}).filter(([, s]) => s?.groups?.length).map(([attribute, summary]) =>
    table(`${ATTRIBUTES[attribute] || attribute}別 (交差検証の予測)`, ["グループ", "人数", "閾値以上の割合", "モデルの比", "較正の差"],
      summary.groups.map((g) => [groupName(g.group), `${g.applicants} 名`, share(g.share_above),
        g.model_ratio ? `${fixed(g.model_ratio.value)} ${interval(g.model_ratio)}` : "—", fixed(g.calibration?.gap)])));
  return section("グループ別の指標", verdict, ...tables);
}

function nounsSection(card) {
  const nouns = card.top_nouns;
  if (!nouns) return section("効いている名詞", el("p", { className: "hint", textContent: "線形モデルではないため、名詞ごとの重みはありません。" }));
  if (nouns.error) return section("効いている名詞", el("p", { className: "error", textContent: `読めませんでした (${nouns.error})` }));
  const list = (items, sign) => el("ol", { className: `fx-nouns ${sign}` }, ...items.map((n) => el("li", { textContent: `${n.noun} ${n.weight > 0 ? "+" : ""}${fixed(n.weight, 3)}` })));
  return section("効いている名詞", el("div", { className: "fx-nouns-pair" },
    el("div", {}, el("h5", { textContent: "OK 寄り (+)" }), list(nouns.positive, "plus")),
    el("div", {}, el("h5", { textContent: "NG 寄り (−)" }), list(nouns.negative, "minus"))));
}

function shadowView(s) {
  if (!s.shadowed) return [el("p", { className: "hint", textContent: "まだシャドー採点をしていません。" })];
  const a = s.vs_active, h = s.vs_human;
  return [
    el("p", { textContent: `${s.shadowed} 名をシャドー採点 (${formatDate(s.scored_at)})。応募者のスコアや判定には影響しません。` }),
    table("シャドー採点の比較", ["比較", "結果"], [
      ["有効なモデルとの一致 (閾値の上下)", `${share(a.agreement)} ${interval(a.agreement_ci, share)} / ${a.compared} 名`],
      ["スコアの差 (平均絶対値)", fixed(a.mean_abs_difference, 3)],
      ["新たに要確認になる人", `${a.into_review} 名`], ["要確認から外れる人", `${a.out_of_review} 名`],
      ["人の判定との一致: このモデル", `${share(h.shadow_agreement)} ${interval(h.shadow_agreement_ci, share)} / ${h.decided} 名 (AUC ${fixed(h.shadow_auc, 3)})`],
      ["人の判定との一致: 有効なモデル", `${share(h.active_agreement)} ${interval(h.active_agreement_ci, share)} / ${h.active_compared} 名 (AUC ${fixed(h.active_auc, 3)})`],
    ]),
  ];
}

/** Mount the governance page in `container`. */
export function mount(container, ctx = {}) {
  ensureStyles();
  const root = el("section", { className: "card fx-page", id: "model-governance" });
  root.setAttribute("aria-labelledby", "gv-title");
  container.replaceChildren(root);
  const title = el("h2", { id: "gv-title", textContent: "モデルの管理 (モデルカードとシャドー採点)" });
  if (ctx.role !== "admin") {
    root.append(title, el("p", { className: "error", textContent: "このページは管理者だけが使えます。" }));
    return { refresh() {}, show() {}, destroy() { container.replaceChildren(); } };
  }
  const admin = true;  // kept as a flag: the read-only rendering (no buttons) is there if auditors get GET /models
  const select = el("select", { id: "gv-version" });
  const status = el("p", { id: "gv-status" });
  const body = el("div", { id: "gv-body" });
  root.append(title, el("p", { className: "fx-controls" }, el("label", { htmlFor: "gv-version", textContent: "モデルの版" }), select), status, body);
  let models = [], observer = null, current = 0;

  async function show(version) {
    const mine = ++current;
    observer?.disconnect();
    select.value = version;
    const model = models.find((m) => m.version === version);
    status.textContent = "読み込み中…";
    let data, shadow;
    try {
      [data, shadow] = await Promise.all([api(`/models/${version}/card`), api(`/models/${version}/shadow`)]);
    } catch (error) {
      if (mine === current) { status.textContent = ""; body.replaceChildren(el("p", { className: "error", role: "alert", textContent: errorText(error) })); }
      return;
    }
    if (mine !== current) return;
    const ack = data.acknowledgement;
    status.textContent = `${version} (${STATUS[model?.status] || model?.status || ""})。` + (ack.acknowledged
      ? `モデルカード確認済み: ${ack.acknowledged_by || "—"}、${formatDate(ack.acknowledged_at)}${ack.note ? ` (メモ: ${ack.note})` : ""}`
      : "モデルカードはまだ確認されていません。");
    const card = data.card;
    const end = el("p", { className: "hint fx-card-end", id: "gv-card-end", textContent: "モデルカードはここまでです。" });
    const cardBody = el("div", { className: "fx-card-body", id: "gv-card", tabIndex: 0 },
      dataSection(card), metricsSection(card), comparisonSection(card), groupsSection(card), nounsSection(card), end);
    cardBody.setAttribute("role", "region");
    cardBody.setAttribute("aria-label", `モデルカード ${version}`);
    const cardPart = el("section", { className: "fx-block" }, el("h3", { textContent: `モデルカード ${version}` }), cardBody);
    if (admin && !ack.acknowledged) cardPart.append(ackForm(version, end));
    const shadowPart = el("section", { className: "fx-block", id: "gv-shadow" }, el("h3", { textContent: "シャドー採点 (候補・有効なモデル・人の判定)" }),
      ...shadowView(shadow.shadow));
    if (admin && model?.status !== "active") {
      shadowPart.append(el("div", { className: "actions" }, actionButton("シャドー採点を実行", "secondary", async () => {
        await api(`/models/${version}/shadow`, { method: "POST" });
        toast("シャドー採点を始めました。終わったら「再読み込み」で結果を表示します。", { kind: "info" });
      }), actionButton("再読み込み", "secondary", () => show(version))));
    }
    body.replaceChildren(cardPart, shadowPart);
    if (admin && model?.status !== "active") body.append(activation(version, ack.acknowledged));
  }

  function actionButton(label, className, fn) {
    const node = el("button", { type: "button", className, textContent: label });
    node.addEventListener("click", () => withBusy(node, fn));
    return node;
  }

  function ackForm(version, end) {
    const note = el("input", { id: "gv-ack-note", maxLength: 500 });
    const button = el("button", { type: "submit", id: "gv-ack", textContent: "確認しました", disabled: true });
    const hint = el("p", { className: "hint", id: "gv-ack-hint", textContent: "モデルカードを最後まで読むと押せるようになります。" });
    const form = el("form", { className: "fx-ack" }, el("label", { htmlFor: "gv-ack-note", textContent: "メモ (任意)" }), note, button, hint);
    const read = () => { button.disabled = false; hint.textContent = "内容を確認したら押してください。確認した人と日時が記録されます。"; };
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) { read(); observer.disconnect(); } });
      observer.observe(end);
    } else read();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      withBusy(button, async () => {
        await api(`/models/${version}/card/ack`, { method: "POST", body: note.value.trim() ? { note: note.value.trim() } : {} });
        toast(`モデル ${version} のモデルカードを確認済みにしました。`, { kind: "success" });
        await refresh(version);
      });
    });
    return form;
  }

  function activation(version, acknowledged) {
    const message = el("p", { id: "gv-activate-message", role: "status" });
    const button = el("button", { type: "button", id: "gv-activate", textContent: "このモデルを有効にする" });
    button.addEventListener("click", () => withBusy(button, async () => {
      message.classList.remove("error");
      message.setAttribute("role", "status");
      try {
        await api(`/models/${version}/activate`, { method: "POST" });
      } catch (error) {
        message.setAttribute("role", "alert");
        message.classList.add("error");
        message.textContent = errorText(error);  // card_not_acknowledged → 確認してから有効にしてください
        if (error.code === "card_not_acknowledged") document.getElementById("gv-ack")?.focus();
        return;
      }
      await refresh(version);
      const after = document.getElementById("gv-status");
      if (after) after.textContent = `${version} を有効にしました。未判定の応募者を採点し直しています。`;
    }));
    return el("section", { className: "fx-block" }, el("h3", { textContent: "有効にする" }),
      el("p", { className: "hint", textContent: acknowledged ? "モデルカードは確認済みです。"
        : "初めて有効にするには、先にモデルカードを確認する必要があります。" }),
      el("div", { className: "actions" }, button), message);
  }

  async function refresh(version = select.value) {
    let data;
    try { data = await api("/models"); } catch (error) { status.textContent = errorText(error); return; }
    models = data.models;
    select.replaceChildren(...models.map((m) => el("option", { value: m.version,
      textContent: `${m.version} ${m.algorithm} (${STATUS[m.status] || m.status})` })));
    if (!models.length) { status.textContent = "まだモデルがありません。"; body.replaceChildren(); return; }
    const pick = models.some((m) => m.version === version) ? version
      : (models.find((m) => m.status === "candidate") || models.find((m) => m.status === "active") || models[0]).version;
    await show(pick);
  }

  select.addEventListener("change", () => show(select.value));
  refresh(ctx.version);
  return { refresh, show, destroy() { current += 1; observer?.disconnect(); container.replaceChildren(); } };
}
