// Live refresh of shared workshop pages: the poller (data-live) sends the ETag it last saw,
// so an unchanged workshop answers 304 Not Modified and nothing on the page moves. It also
// names the fields this person is editing: the answer leaves those alone.
"use strict";

document.addEventListener("htmx:configRequest", (event) => {
  const element = event.detail.elt;
  if (!element.hasAttribute("data-live")) {
    return;
  }
  if (element.dataset.etag) {
    event.detail.headers["If-None-Match"] = element.dataset.etag;
  }
  if (window.icpEditingFields) {
    const editing = window.icpEditingFields();
    if (editing.length) {
      event.detail.parameters.editing = editing;
    }
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

// The poll leaves out what this participant edits, but a poll sent just before a cell or
// field was opened can arrive after: never let a poll replace an open cell, a field being
// edited, one with a request in flight (it would land in a detached element), or a table
// holding one. (A person's own save or paste does replace their cells.)
let polling = false;
document.addEventListener("htmx:beforeSwap", (event) => {
  polling = event.detail.elt.hasAttribute("data-live");
});
document.addEventListener("htmx:afterSwap", () => {
  polling = false;
});
const BUSY = ".is-editing, .htmx-request";
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  if (!polling) {
    return;
  }
  const target = event.detail.target;
  if (target.matches(BUSY) || target.querySelector(BUSY)) {
    event.detail.shouldSwap = false;
    return;
  }
  const fields = target.matches("[data-field]")
    ? [target]
    : Array.from(target.querySelectorAll("[data-field]"));
  if (window.icpIsEditing && fields.some((field) => window.icpIsEditing(field))) {
    event.detail.shouldSwap = false;
  }
});
