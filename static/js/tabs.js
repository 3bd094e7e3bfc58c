// Tabs (the ARIA tabs pattern) for [data-tabs]: a tab list of buttons and their panels. The
// chosen tab is kept in the address (#panel-id) so a reload or a link opens it again. Without
// JavaScript the tab list stays hidden and every panel shows, one under the other.
"use strict";

(() => {
  const choose = (root, tab, focus) => {
    const tabs = Array.from(root.querySelectorAll("[role=tab]"));
    tabs.forEach((other) => {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) {
        panel.hidden = !selected;
      }
    });
    if (focus) {
      tab.focus();
    }
    // A panel loaded after the page (suggestions, the self-check) is loaded again when its tab
    // is opened, as the draft may have changed meanwhile.
    if (root.dataset.chosen && root.dataset.chosen !== tab.id && window.htmx) {
      const panel = document.getElementById(tab.getAttribute("aria-controls"));
      const slot = panel ? panel.querySelector("[hx-trigger~='refresh']") : null;
      if (slot) {
        window.htmx.trigger(slot, "refresh");
      }
    }
    root.dataset.chosen = tab.id;
  };

  const setUp = (root) => {
    const list = root.querySelector("[role=tablist]");
    if (!list) {
      return;
    }
    list.hidden = false;
    const tabs = Array.from(root.querySelectorAll("[role=tab]"));
    // The address may name a panel, or something inside one (#suggestions after adopting).
    const named = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    const panel = named ? named.closest("[role=tabpanel]") : null;
    const chosen =
      tabs.find((tab) => tab.id === root.dataset.chosen) ||
      (panel && tabs.find((tab) => tab.getAttribute("aria-controls") === panel.id)) ||
      tabs[0];
    if (chosen) {
      choose(root, chosen, false);
    }
  };

  document.addEventListener("click", (event) => {
    const tab = event.target.closest ? event.target.closest("[data-tabs] [role=tab]") : null;
    if (!tab) {
      return;
    }
    choose(tab.closest("[data-tabs]"), tab, false);
    window.history.replaceState(null, "", `#${tab.getAttribute("aria-controls")}`);
  });

  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest ? event.target.closest("[data-tabs] [role=tab]") : null;
    if (!tab) {
      return;
    }
    const tabs = Array.from(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    const index = tabs.indexOf(tab);
    const next = {
      ArrowRight: tabs[(index + 1) % tabs.length],
      ArrowLeft: tabs[(index - 1 + tabs.length) % tabs.length],
      Home: tabs[0],
      End: tabs[tabs.length - 1],
    }[event.key];
    if (next) {
      event.preventDefault();
      choose(tab.closest("[data-tabs]"), next, true);
      window.history.replaceState(null, "", `#${next.getAttribute("aria-controls")}`);
    }
  });

  // A field with a conflict or an error in a hidden tab: show that tab.
  const reveal = () => {
    const problem = document.querySelector("[data-tabs] .tab-panel[hidden] .is-conflict");
    if (problem) {
      const panel = problem.closest(".tab-panel");
      const tab = document.querySelector(`[role=tab][aria-controls="${panel.id}"]`);
      if (tab) {
        choose(tab.closest("[data-tabs]"), tab, false);
      }
    }
  };

  const start = () => {
    document.querySelectorAll("[data-tabs]").forEach(setUp);
    reveal();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:afterSettle", start);
})();
