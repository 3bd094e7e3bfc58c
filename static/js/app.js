// Small behaviours for every page; no inline scripts (strict Content Security Policy).
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const form = event.target.closest("form.js-autosubmit");
  if (form && event.target.tagName === "SELECT") {
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
