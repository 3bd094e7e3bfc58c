// A table wider than its box scrolls inside its .table-wrap. When nothing inside that box can
// take the focus (a read-only table), a keyboard user could not scroll it: make such a box a
// focusable, named region (the table's caption or the section's heading names it).
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";

  function regionName(wrap) {
    var caption = wrap.querySelector("caption");
    var section = wrap.closest("section");
    var heading = section ? section.querySelector("h2, h3") : null;
    var source = caption || heading;
    return source ? source.textContent.trim() : "";
  }

  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var own = wrap.dataset.scrollRegion === "1";
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var inner = Array.prototype.some.call(wrap.querySelectorAll(FOCUSABLE), function (el) {
        return el !== wrap && el.tabIndex >= 0 && !el.disabled;
      });
      if (scrolls && !inner && !own) {
        wrap.dataset.scrollRegion = "1";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        var name = regionName(wrap);
        if (name) {
          wrap.setAttribute("aria-label", name);
        }
      } else if (own && (!scrolls || inner)) {
        delete wrap.dataset.scrollRegion;
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 100);
  }

  function start() {
    update();
    window.addEventListener("resize", later);
    document.body.addEventListener("htmx:afterSettle", later);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
