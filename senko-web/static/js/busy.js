// One helper for every button's action: the button is disabled with a spinner while the action runs,
// and a failure is reported in Japanese as a popup (and returned as undefined, never thrown on).

import { toast } from "./toast.js";
import { errorText } from "./errors.js";

/**
 * Run `fn()` with `button` disabled and marked busy (aria-busy, spinner via CSS). A failure shows a
 * Japanese popup; the result is fn's value, or undefined when it failed. A button already busy does nothing.
 */
export async function withBusy(button, fn) {
  if (button && button.getAttribute("aria-busy") === "true") return undefined;
  const wasDisabled = button ? button.disabled : false;
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); button.classList.add("busy"); }
  try {
    return await fn();
  } catch (error) {
    if (error?.name !== "AbortError") toast(errorText(error), { kind: "failed" });
    return undefined;
  } finally {
    if (button) {
      button.disabled = wasDisabled; button.removeAttribute("aria-busy"); button.classList.remove("busy");
    }
  }
}
