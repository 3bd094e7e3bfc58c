// The meeting bar (profiles/meeting/_bar.html): the room's timer counts down every second,
// participants who follow the facilitator are taken along when the room moves, and "P"
// opens the presenting view (Escape leaves it). The bar is swapped in by every live poll.
//
// Following: each move of the room has a number (data-room-moves). A participant is taken to
// the room's step once per move, so one who looks elsewhere stays there until the facilitator
// moves on (or follows the "Go to the room's step" link). Nobody is taken away while typing:
// the move waits until the field is left.
"use strict";

(function () {
  const bar = () => document.getElementById("room-bar");
  const storeKey = (workshop) => `icp-room-${workshop}`;

  function memory(workshop) {
    try {
      return JSON.parse(window.sessionStorage.getItem(storeKey(workshop))) || {};
    } catch (error) {
      return {};
    }
  }

  function remember(workshop, values) {
    const saved = { ...memory(workshop), ...values };
    try {
      window.sessionStorage.setItem(storeKey(workshop), JSON.stringify(saved));
    } catch (error) {
      // Private mode without storage: following still works for this page.
    }
    return saved;
  }

  // What the person is in the middle of: a field with focus or a table cell being edited.
  function busy() {
    const active = document.activeElement;
    const typing = active && active.matches("input:not([type=checkbox]):not([type=hidden]), textarea, select, [contenteditable]");
    return Boolean(typing || document.querySelector(".is-editing"));
  }

  let clockOffset = 0; // server time minus this machine's time
  let pending = null; // a move to follow as soon as the person is done typing
  let announced = "";

  function follow(element) {
    const data = element.dataset;
    const workshop = data.workshop;
    const moves = Number(data.roomMoves || 0);
    const saved = memory(workshop);
    const checkbox = element.querySelector("[data-room-follow]");
    if (checkbox) {
      checkbox.checked = saved.follow !== false;
    }
    if (saved.seen === undefined) {
      remember(workshop, { seen: moves }); // arriving: look around first
      return;
    }
    if (data.facilitating === "1" || data.hasFacilitator !== "1" || saved.follow === false) {
      remember(workshop, { seen: moves });
      return;
    }
    if (moves > saved.seen && data.roomStep && data.roomStep !== data.pageStep) {
      pending = { workshop, moves, url: data.roomUrl };
      go();
    } else if (moves > saved.seen) {
      remember(workshop, { seen: moves });
    }
  }

  function go() {
    if (!pending || busy()) {
      return;
    }
    remember(pending.workshop, { seen: pending.moves });
    const url = pending.url;
    pending = null;
    window.location.assign(url);
  }

  function text(seconds) {
    const over = seconds < 0;
    const left = Math.abs(seconds);
    const minutes = String(Math.floor(left / 60)).padStart(2, "0");
    return `${over ? "+" : ""}${minutes}:${String(left % 60).padStart(2, "0")}`;
  }

  function tick() {
    const element = bar();
    if (!element) {
      return;
    }
    const data = element.dataset;
    const shown = element.querySelector("[data-timer-text]");
    if (shown && data.timerRunning === "1") {
      const now = Date.now() + clockOffset;
      const seconds = Math.round((Number(data.timerDeadline) - now) / 1000);
      shown.textContent = text(seconds);
      shown.closest(".room-timer").classList.toggle("is-over", seconds < 0);
      const moment = seconds === 60 ? "minute" : seconds === 0 ? "up" : "";
      if (moment && announced !== `${data.roomMoves}-${moment}` && window.icpAnnounce) {
        announced = `${data.roomMoves}-${moment}`;
        window.icpAnnounce(moment === "minute" ? data.minuteLeft : data.timeUp);
      }
    }
    go();
  }

  function arrived(element) {
    if (!element) {
      return;
    }
    clockOffset = Number(element.dataset.serverNow || Date.now()) - Date.now();
    follow(element);
    tick();
  }

  document.addEventListener("change", (event) => {
    if (!event.target.matches("[data-room-follow]")) {
      return;
    }
    const element = bar();
    const moves = Number(element.dataset.roomMoves || 0);
    remember(element.dataset.workshop, { follow: event.target.checked, seen: moves });
  });

  // "P" presents the step, Escape leaves the presenting view; arrows move the room there
  // (the facilitator's buttons). Never while typing or with a modifier key, and not at all
  // when switched off on the agenda page (single-key shortcuts must be: WCAG 2.1.4).
  const KEYS = "icp-room-keys";
  const keysOn = () => {
    try {
      return window.localStorage.getItem(KEYS) !== "off";
    } catch (error) {
      return true;
    }
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-room-keys]")) {
      try {
        window.localStorage.setItem(KEYS, event.target.checked ? "on" : "off");
      } catch (error) {
        // Without storage the shortcuts stay on.
      }
    }
  });
  document.addEventListener("keydown", (event) => {
    const modified = event.altKey || event.ctrlKey || event.metaKey;
    if (modified || busy() || event.defaultPrevented || !keysOn()) {
      return;
    }
    const element = bar();
    if (!element) {
      return;
    }
    const click = (selector) => {
      const target = element.querySelector(selector);
      if (target) {
        event.preventDefault();
        target.click();
      }
    };
    if (event.key === "p" || event.key === "P") {
      click("[data-present-key]");
    } else if (event.key === "Escape") {
      click("[data-present-leave]");
    } else if (event.key === "ArrowRight" || event.key === "PageDown") {
      click(".is-presenting [data-room-next]");
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      click(".is-presenting [data-room-previous]");
    }
  });

  // After an out-of-band swap the event's target may be the bar that was replaced: read the
  // one now in the page.
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "room-bar") {
      arrived(bar());
    }
  });

  function start() {
    document.querySelectorAll("[data-room-keys]").forEach((box) => {
      box.checked = keysOn();
    });
    arrived(bar());
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
