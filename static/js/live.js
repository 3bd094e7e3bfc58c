// Live refresh of shared workshop pages: the poller (data-live) sends the ETag it last saw,
// so an unchanged workshop answers 304 Not Modified and nothing on the page moves.
"use strict";

document.addEventListener("htmx:configRequest", (event) => {
  const element = event.detail.elt;
  if (element.hasAttribute("data-live") && element.dataset.etag) {
    event.detail.headers["If-None-Match"] = element.dataset.etag;
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const element = event.detail.elt;
  const xhr = event.detail.xhr;
  if (element.hasAttribute("data-live") && xhr) {
    const etag = xhr.getResponseHeader("ETag");
    if (etag) {
      element.dataset.etag = etag;
    }
  }
});

// A cell waiting for a decision after a refused save keeps the focus on its first button.
document.addEventListener("cell-conflict", () => {
  const button = document.querySelector(".is-conflict button");
  if (button) {
    button.focus();
  }
});

// The poll leaves out the cells this participant edits, but a poll sent just before a cell
// was opened can arrive after: never replace an open cell, one being opened (its request in
// flight would land in a detached element), or a table holding one.
const BUSY = ".is-editing, .htmx-request";
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const target = event.detail.target;
  if (target.matches(BUSY) || target.querySelector(BUSY)) {
    event.detail.shouldSwap = false;
  }
});

// Escape closes an open cell without saving (its Cancel link).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  const editor = event.target.closest ? event.target.closest(".cell-editor") : null;
  const cancel = editor ? editor.querySelector(".cell-cancel") : null;
  if (cancel) {
    event.preventDefault();
    cancel.click();
  }
});
