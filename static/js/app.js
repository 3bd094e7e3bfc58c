// Small behaviours for every page; no inline scripts (strict Content Security Policy).
"use strict";

document.documentElement.classList.add("js");

// A drop-down in a form.js-autosubmit sends its form when a choice is made with the mouse; a
// choice made with the arrow keys is sent on Enter or when the drop-down is left, so moving
// through the options never submits anything by accident (WCAG 3.2.2).
const PICKING_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End",
  "PageUp", "PageDown"]);
const autosubmitSelect = (target) =>
  target.tagName === "SELECT" && target.closest("form.js-autosubmit");

document.addEventListener("keydown", (event) => {
  const form = autosubmitSelect(event.target);
  if (!form) {
    return;
  }
  if (PICKING_KEYS.has(event.key) || event.key.length === 1) {
    event.target.dataset.keyed = "1";
  } else if (event.key === "Enter" && event.target.dataset.changed) {
    event.preventDefault();
    form.requestSubmit();
  }
});
document.addEventListener("pointerdown", (event) => {
  const select = event.target.closest ? event.target.closest("form.js-autosubmit select") : null;
  if (select) {
    delete select.dataset.keyed;
  }
});
document.addEventListener("change", (event) => {
  const form = autosubmitSelect(event.target);
  if (!form) {
    return;
  }
  if (event.target.dataset.keyed) {
    event.target.dataset.changed = "1"; // sent on Enter or when left
  } else {
    form.requestSubmit();
  }
});
document.addEventListener("focusout", (event) => {
  const form = autosubmitSelect(event.target);
  if (form && event.target.dataset.changed) {
    delete event.target.dataset.changed;
    form.requestSubmit();
  }
});

// Forms that ask before a destructive action carry data-confirm.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A "Print" button (the one-pager's) prints the page; its print stylesheet makes it one A4 page.
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});

// A polite announcement for screen readers ("Saved", a conflict): the live region in base.html.
window.icpAnnounce = (text) => {
  const region = document.getElementById("announcer");
  if (!region || !text) {
    return;
  }
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
};
