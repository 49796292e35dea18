// Small DOM helpers shared by the views. No innerHTML anywhere: text goes in as text.

export const $ = (id) => document.getElementById(id);

/** el("td", { className: "x", textContent: "y" }, child, ...): a new element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A button that runs onClick(event, button); `className` optional. */
export function button(label, onClick, className = "") {
  const node = el("button", { type: "button", textContent: label, className });
  node.addEventListener("click", (event) => onClick(event, node));
  return node;
}

/** A table row of cells; a cell is text or a node. */
export function row(...cells) {
  return el("tr", {}, ...cells.map((cell) => (cell instanceof Node ? el("td", {}, cell) : el("td", { textContent: cell ?? "—" }))));
}

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A one-line status message in `node` (role=status elements), cleared with "". */
export function say(node, text, failed = false) {
  node.textContent = text;
  node.classList.toggle("error", failed);
}
