// Small behaviours for every page; no inline scripts (strict Content Security Policy).
"use strict";

document.documentElement.classList.add("js");

// Forms that ask before a destructive action carry data-confirm.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
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
