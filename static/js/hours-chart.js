/* Attended hours per week as bars, with each week's minimum (its level of care) as a line
   (Chart.js); a week with no minimum (OP) has no line point. The week in progress is grey and
   labelled so (its label says "in progress"): it is never shown as short. */
(function () {
  "use strict";
  var source = document.getElementById("hours-data");
  var canvas = document.getElementById("hours-chart");
  if (!source || !canvas || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "bar", label: "Hours attended", data: data.hours,
          backgroundColor: data.hours.map(function (h, i) {
            var minimum = data.minimums[i];
            if (data.inProgress && data.inProgress[i]) { return "rgba(108,117,125,0.5)"; }
            if (minimum === null || h >= minimum) { return "rgba(25,135,84,0.7)"; }
            return data.stepDown[i] ? "rgba(13,202,240,0.7)" : "rgba(220,53,69,0.7)";
          })
        },
        {
          type: "line", label: "Weekly minimum", data: data.minimums,
          borderColor: "#212529", borderDash: [6, 4], pointRadius: 0, fill: false
        }
      ]
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "hours" } } }
    }
  });
})();
