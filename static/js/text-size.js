// "Large text" for the projector: this browser's choice, applied before the page is drawn
// (loaded in <head>, not deferred), and the header's toggle button.
(function () {
  "use strict";
  var KEY = "icp-large-text";
  var root = document.documentElement;
  try {
    if (window.localStorage.getItem(KEY) === "1") {
      root.classList.add("large-text");
    }
  } catch (err) {
    // Storage can be switched off; the toggle still works for this page.
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("text-size");
    if (!button) {
      return;
    }
    var show = function () {
      button.setAttribute("aria-pressed", String(root.classList.contains("large-text")));
    };
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      try {
        window.localStorage.setItem(KEY, on ? "1" : "0");
      } catch (err) {
        // Not remembered, still applied.
      }
      show();
      window.dispatchEvent(new Event("resize")); // charts take the new size
    });
  });
})();
