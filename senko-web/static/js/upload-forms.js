// The plain upload forms (one résumé with a name; many, one file each). upload.js, when present,
// replaces them with its drag-and-drop panel in the same slot (#upload-slot).

import { api } from "./api.js";
import { $ } from "./dom.js";
import { withBusy } from "./busy.js";

async function upload(event, path, body, done, refresh) {
  event.preventDefault();
  const form = event.target;
  $("upload-message").textContent = "";
  await withBusy(form.querySelector("button[type=submit]"), async () => {
    const data = await api(path, { method: "POST", form: body() });
    $("upload-message").textContent = done(data);
    form.reset();
    await refresh();
  });
}

/** Wire the forms; `refresh()` reloads the list after an upload. */
export function wireUploadForms(refresh) {
  $("upload-form").addEventListener("submit", (event) => upload(event, "/applicant", () => {
    const form = new FormData();
    form.append("name", $("upload-name").value);
    form.append("furigana", $("upload-furigana").value);
    form.append("resume", $("upload-file").files[0]);
    return form;
  }, (data) => `${data.applicant.name} さんの履歴書を受け付けました (処理中)`, refresh));
  $("bulk-form").addEventListener("submit", (event) => upload(event, "/applicant/bulk", () => {
    const form = new FormData();
    for (const file of $("bulk-files").files) form.append("resumes", file);
    return form;
  }, (data) => `${$("bulk-files").files.length || ""} 件を受け付けました (処理中)`.trim(), refresh));
}
