/* The note composer: "No risk indicated for everyone not re-checked yet" sets each attendee's
   risk re-check still blank to that answer (those already chosen stay), says how many it set,
   and counts as typing for the draft's autosave. */
(function () {
  "use strict";

  document.body.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-risk-fill]");
    var form = button && button.closest("form");
    if (!form) { return; }
    var set = 0;
    form.querySelectorAll("select[data-risk-select]").forEach(function (select) {
      if (!select.value) {
        select.value = button.dataset.riskFill;
        set += 1;
      }
    });
    var status = form.querySelector("[data-autosave-status]");
    if (set) { form.dispatchEvent(new Event("input", { bubbles: true })); }
    if (status) {
      status.textContent = set ? "Risk re-check set for " + set + (set === 1 ? " attendee." : " attendees.")
        : "Every attendee's risk re-check was already chosen.";
    }
  });
})();
