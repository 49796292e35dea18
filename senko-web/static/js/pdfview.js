// The résumé inline: pdf.js (vendored in static/vendor/pdfjs, loaded only when a résumé is shown) draws
// each page on a canvas. No eval, no inline styles, the worker from our own origin: it works under the CSP.

import { api } from "./api.js";
import { el } from "./dom.js";

const VENDOR = new URL("../vendor/pdfjs/", import.meta.url);
const MAX_PAGES = 10;  // a résumé is 1–4 pages; more are offered as a download
let pdfjs = null;

async function library() {
  if (!pdfjs) {
    pdfjs = await import(new URL("pdf.min.js", VENDOR).href);
    pdfjs.GlobalWorkerOptions.workerSrc = new URL("pdf.worker.min.js", VENDOR).href;
  }
  return pdfjs;
}

/**
 * Fetch applicant `id`'s résumé and draw it into `container` (replacing what was there). `signal` aborts
 * (another applicant was opened). Returns the number of pages; throws ApiFailure or pdf.js's error.
 */
export async function showResume(container, id, signal) {
  const response = await api(`/applicant/${id}/resume`, { raw: true, signal });
  const data = new Uint8Array(await response.arrayBuffer());
  if (signal?.aborted) return 0;
  const lib = await library();
  const task = lib.getDocument({
    data, isEvalSupported: false, useWasm: false, enableXfa: false,
    cMapUrl: new URL("cmaps/", VENDOR).href, cMapPacked: true, standardFontDataUrl: new URL("standard_fonts/", VENDOR).href,
  });
  signal?.addEventListener("abort", () => task.destroy());
  const pdf = await task.promise;
  const width = Math.max(280, container.clientWidth || 600);
  const ratio = window.devicePixelRatio || 1;
  const pages = [];
  for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number += 1) {
    if (signal?.aborted) break;
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = el("canvas", { width: Math.floor(viewport.width), height: Math.floor(viewport.height), className: "pdf-page" });
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `履歴書 ${number} / ${pdf.numPages} ページ`);
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    pages.push(canvas);
    container.replaceChildren(...pages);  // each page as soon as it is drawn
  }
  if (pdf.numPages > MAX_PAGES) container.append(el("p", { className: "hint", textContent: `ほか ${pdf.numPages - MAX_PAGES} ページはダウンロードしてご覧ください。` }));
  container.dataset.pages = String(pdf.numPages);
  return pdf.numPages;
}
