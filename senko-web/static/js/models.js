// The models card (admins): versions, activate, train, roll back. Charts of a model come from
// charts.js when present (mountModelCharts), shown under the table.

import { api } from "./api.js";
import { $, button, el, row } from "./dom.js";
import { formatDate } from "./format.js";
import { withBusy } from "./busy.js";

const MODEL_STATUS = { active: "使用中", candidate: "候補", retired: "使用終了" };
let charts = null;  // what mountModelCharts returned, if charts.js is there

export function attachModelCharts(mounted) { charts = mounted; }

function say(text) { $("models-message").textContent = text; }

/** Load the models table (admins). */
export async function loadModels() {
  const data = await api("/models");
  $("models").querySelector("tbody").replaceChildren(...data.models.map((m) => {
    const actions = el("div", { className: "actions" });
    if (m.status !== "active") {
      actions.append(button("有効にする", (event, node) => withBusy(node, async () => {
        say((await api(`/models/${m.version}/activate`, { method: "POST" })).message);
        await loadModels();
      })));
    }
    if (charts?.show) {
      actions.append(button("グラフ", () => { charts.show(m.version); $("model-charts-slot").scrollIntoView({ block: "start" }); }, "secondary"));
    }
    const status = MODEL_STATUS[m.status] || m.status;
    return row(m.version, m.algorithm, m.rolled_back_at ? `${status}（ロールバック済み）` : status,
               m.metrics?.roc_auc ?? "—", m.training_size ?? "—", formatDate(m.created_at), actions);
  }));
  charts?.refresh?.();  // its version picker follows the table (a model trained, activated, rolled back)
}

export function wireModels() {
  $("train").addEventListener("click", (event) => withBusy(event.currentTarget, async () => {
    say((await api("/models/train", { method: "POST", body: {} })).message);
  }));
  $("rollback").addEventListener("click", (event) => withBusy(event.currentTarget, async () => {
    say((await api("/models/rollback", { method: "POST" })).message);
    await loadModels();
  }));
}
