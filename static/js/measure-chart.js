/* Measure totals over time, on top of the instrument's severity bands (Chart.js). */
(function () {
  "use strict";
  var source = document.getElementById("measure-chart-data");
  if (!source || !window.Chart) { return; }
  var allSeries = JSON.parse(source.textContent);
  var bandColours = ["rgba(25,135,84,0.10)", "rgba(255,193,7,0.12)", "rgba(253,126,20,0.14)",
                     "rgba(220,53,69,0.14)", "rgba(220,53,69,0.24)"];

  // Paints each band as a horizontal stripe behind the line, labelled at the right edge.
  var bandsPlugin = {
    id: "bands",
    beforeDatasetsDraw: function (chart, args, options) {
      var bands = options.bands || [];
      var y = chart.scales.y, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      bands.forEach(function (band, i) {
        var top = y.getPixelForValue(band.high + 0.5 > y.max ? y.max : band.high + 0.5);
        var bottom = y.getPixelForValue(band.low - 0.5 < y.min ? y.min : band.low - 0.5);
        ctx.fillStyle = bandColours[Math.min(i, bandColours.length - 1)];
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        ctx.fillStyle = "rgba(33,37,41,0.6)";
        ctx.font = "11px sans-serif";
        ctx.textAlign = "right";
        ctx.fillText(band.label, area.right - 4, top + 12);
      });
      ctx.restore();
    }
  };

  document.querySelectorAll("canvas.measure-chart").forEach(function (canvas) {
    var series = allSeries[parseInt(canvas.dataset.series, 10)];
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: series.points.map(function (p) { return p.date; }),
        datasets: [{
          label: series.name + " total",
          data: series.points.map(function (p) { return p.total; }),
          borderColor: "#0d6efd", backgroundColor: "#0d6efd", tension: 0.2, pointRadius: 4
        }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        // The scale runs to the instrument's maximum, but its ticks keep their even steps: the
        // maximum is not forced in as a tick of its own (PHQ-9's 27 drawn over the 25).
        scales: { y: { min: series.min, max: series.max, ticks: { precision: 0, includeBounds: false } } },
        plugins: {
          legend: { display: false },
          bands: { bands: series.bands },
          tooltip: { callbacks: { afterLabel: function (item) {
            return series.points[item.dataIndex].severity;
          } } }
        }
      },
      plugins: [bandsPlugin]
    });
  });
})();
