// Popups at the bottom right. At most MAX at once: a burst (a job board's run brings dozens of scores)
// must not bury the page; routine ones give way first. A popup can be clicked (onClick) and closed.

const MAX = 3;

function box() {
  let node = document.getElementById("toasts");
  if (!node) {
    node = Object.assign(document.createElement("div"), { id: "toasts" });
    node.setAttribute("aria-live", "polite");
    document.body.append(node);
  }
  return node;
}

/**
 * Show a popup. kind: "info" | "success" | "failed" | "routine" (routine ones are dropped first).
 * onClick: called when the text is clicked (the popup then closes). timeout: ms, 0 = until closed.
 * Returns the popup's element.
 */
export function toast(message, { kind = "info", onClick = null, timeout = 8000 } = {}) {
  const node = document.createElement("div");
  node.className = `toast ${kind}`;
  node.setAttribute("role", kind === "failed" ? "alert" : "status");
  const text = document.createElement(onClick ? "button" : "span");
  text.className = "toast-text";
  text.textContent = message;
  if (onClick) {
    text.type = "button";
    text.addEventListener("click", () => { node.remove(); onClick(); });
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.textContent = "×";
  close.setAttribute("aria-label", "閉じる");
  close.addEventListener("click", () => node.remove());
  node.append(text, close);
  const container = box();
  container.append(node);
  while (container.children.length > MAX) (container.querySelector(".toast.routine") || container.firstElementChild).remove();
  if (timeout) setTimeout(() => node.remove(), timeout);
  return node;
}
