/* Staff dashboard: draws each chart from the JSON the page carries (json_script), so no
   inline script is needed under the CSP. The table beside each chart holds the same numbers
   and is what screen readers use; the canvas has role="img" and a summarising aria-label. */
(function () {
  "use strict";

  function draw() {
    if (!window.Chart) { return; }
    var Chart = window.Chart;
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    Chart.defaults.animation = reduce ? false : { duration: 300 };
    Chart.defaults.color = "#1b1f23";
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 13;
    var locale = document.documentElement.lang || "id";

    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source || Chart.getChart(canvas)) { return; }
      var spec = JSON.parse(source.textContent);
      var datasets = spec.datasets.map(function (d) {
        var line = (d.type || spec.type) === "line";
        return {
          label: d.label, data: d.data, type: d.type || undefined,
          backgroundColor: d.color, borderColor: d.color,
          borderWidth: line ? 3 : 0, pointRadius: line ? 3 : 0,
          // A dashed line reads as "a different measure" even in greyscale print.
          borderDash: d.type === "line" ? [6, 4] : undefined,
          stack: line && spec.stacked ? "line" : undefined,
          order: line ? 0 : 1, tension: 0, spanGaps: true
        };
      });
      var valueAxis = {
        beginAtZero: true, stacked: spec.stacked,
        ticks: { precision: 0, callback: function (v) { return Number(v).toLocaleString(locale); } }
      };
      var labelAxis = { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 0 } };
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, locale: locale,
          indexAxis: spec.horizontal ? "y" : "x",
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { display: datasets.length > 1, position: "bottom" },
            tooltip: { enabled: true }
          },
          scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
