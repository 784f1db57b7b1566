/* The report dashboard's charts (Chart.js): bars, stacked bars or lines from the data the page
   passes in #report-charts. A click on a bar or point opens the list of its patients; the
   same links are in the table that follows each chart, for keyboard and screen-reader users. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"];
  // Lines that run together (a level with no patients next to another, a total equal to its
  // only level) stay apart to the eye: each has its own dash, width and point shape.
  var dashes = [[], [8, 4], [2, 3], [12, 4, 2, 4]];
  var points = ["circle", "rect", "triangle", "rectRot"];

  document.querySelectorAll("canvas.report-chart").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    if (!spec) { return; }
    var stacked = spec.kind === "stacked";
    var line = spec.kind === "line";
    var whole = spec.series.every(function (series) {
      return series.values.every(function (v) { return v === null || Number.isInteger(v); });
    });
    var datasets = spec.series.map(function (series, i) {
      var colour = palette[i % palette.length];
      return {
        label: series.label,
        data: series.values,
        links: series.links,
        backgroundColor: colour,
        borderColor: colour,
        tension: 0.2,
        spanGaps: false,
        borderDash: line ? dashes[i % dashes.length] : undefined,
        // Chart.js draws the first line on top: each later one is wider, so it shows round
        // the lines above it where they coincide.
        borderWidth: line ? 2 + 1.5 * Math.min(i, 3) : undefined,
        pointStyle: points[i % points.length],
        pointRadius: line ? 3 + 1.5 * Math.min(i, 3) : 4
      };
    });
    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true,
               ticks: { precision: whole ? 0 : undefined },
               title: { display: !!spec.unit, text: spec.unit } }
        },
        plugins: { legend: { display: datasets.length > 1, labels: { usePointStyle: line, boxHeight: 10, pointStyleWidth: 14 } } },
        onHover: function (event, elements) {
          var link = elements.length && datasets[elements[0].datasetIndex].links[elements[0].index];
          if (event.native) { event.native.target.style.cursor = link ? "pointer" : "default"; }
        },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var link = datasets[elements[0].datasetIndex].links[elements[0].index];
          if (link) { window.location.assign(link); }
        }
      }
    });
  });
})();
