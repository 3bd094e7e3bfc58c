// Renders every [data-chart] element with the figure stored in the <script type="application/json">
// whose id is the attribute's value (Django's json_script). Needs static/vendor/plotly-basic.min.js
// loaded first. Re-runs after htmx swaps so charts inside swapped fragments are drawn too.
(function () {
  "use strict";

  function renderCharts() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source || source.type !== "application/json") {
        return;
      }
      var fig;
      try {
        fig = JSON.parse(source.textContent);
      } catch (err) {
        console.error("charts.js: invalid JSON in #" + source.id, err);
        return;
      }
      // Plotly.react diffs against the drawn figure, so unchanged charts cost little on re-runs.
      window.Plotly.react(el, fig.data || [], fig.layout || {}, {
        responsive: true,
        displaylogo: false,
      });
    });
  }

  function start() {
    renderCharts();
    // A swap may replace the chart element, its JSON or both, so re-render the whole page.
    document.body.addEventListener("htmx:afterSettle", renderCharts);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
