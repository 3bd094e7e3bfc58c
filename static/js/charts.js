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
      // No mode bar: its buttons are invisible until hovered yet each is a Tab stop, inside a
      // chart that is an image to assistive technology; the numbers are in the data table.
      window.Plotly.react(el, fig.data || [], fig.layout || {}, {
        responsive: true,
        displayModeBar: false,
      });
    });
  }

  // A chart's "Data table" link may point into a closed <details>: open it, then follow.
  function openDataTable(event) {
    var link = event.target.closest ? event.target.closest("a.chart-data-link") : null;
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    var details = target && target.closest("details");
    if (details) {
      details.open = true;
    }
  }

  function start() {
    renderCharts();
    document.addEventListener("click", openDataTable);
    // A swap may replace the chart element, its JSON or both, so re-render the whole page.
    document.body.addEventListener("htmx:afterSettle", renderCharts);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
