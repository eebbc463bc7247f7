// The one way this page creates DOM. Children that are strings become text nodes, so anything that
// came from the server (user ids, Feishu messages, log ids) can only ever be shown as text: there is
// no innerHTML anywhere in the page.

const FORBIDDEN_ATTR = /^(on|style$|srcdoc$)/i;

/** h("p", { class: "x" }, "text", childNode, [more], null) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) setAttr(el, name, value);
  append(el, children);
  return el;
}

function setAttr(el, name, value) {
  if (value === undefined || value === null || value === false) return;
  // Event handlers and inline styles are attached in code, never as attributes (CSP forbids them).
  if (FORBIDDEN_ATTR.test(name)) throw new Error(`attribute ${name} is not allowed`);
  el.setAttribute(name, value === true ? "" : String(value));
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all of an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}
