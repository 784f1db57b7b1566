/* Site-wide behaviour. No inline scripts anywhere: the CSP allows only files from 'self'. */
(function () {
  "use strict";

  // htmx requests carry the CSRF token from the page's meta tag (the cookie is HttpOnly).
  document.body.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
    // The plan editor: every save carries the draft revision the page last saw, so a save made
    // after someone else's is refused rather than overwriting it (see plans.services).
    var editor = event.detail.elt.closest && event.detail.elt.closest("[data-plan-editor]");
    var current = document.getElementById("plan-revision");
    if (editor && current && event.detail.formData) {
      Array.from(event.detail.formData.keys()).forEach(function (key) {
        if (key === "revision" || /-revision$/.test(key)) { event.detail.formData.set(key, current.value); }
      });
    }
  });

  document.body.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  // Attendance from the keyboard: with a row focused, P/L/E/X/U presses that row's button, and
  // the arrow keys move between rows.
  document.body.addEventListener("keydown", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-attendance-row]");
    if (!row || event.target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key.toLowerCase();
    var button = row.querySelector('button[data-key="' + key + '"]');
    if (button) { event.preventDefault(); button.click(); return; }
    if (key === "arrowdown" || key === "arrowup") {
      var rows = Array.from(row.closest("tbody").querySelectorAll("tr[data-attendance-row]"));
      var next = rows[rows.indexOf(row) + (key === "arrowdown" ? 1 : -1)];
      if (next) { event.preventDefault(); next.focus(); }
    }
  });
  // After htmx re-draws a row, keep the keyboard where it was.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target;
    if (row && row.matches && row.matches("tr[data-attendance-row]")) {
      var fresh = document.getElementById(row.id);
      if (fresh) { fresh.focus(); }
    }
  });

  // "Cancel" on a form opened in place removes it instead of leaving the page.
  document.body.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel-form]");
    var form = cancel && cancel.closest("form");
    if (form && form.parentElement && /^add-/.test(form.parentElement.id)) { event.preventDefault(); form.remove(); }
  });

  // Idle logoff warning. The server enforces the limit; this only tells the user it is
  // coming and lets them stay. Polling requests (X-IOP-Background) do not reset it.
  var body = document.body;
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idleSeconds) { return; }
  var warnBefore = Math.min(120, Math.floor(idleSeconds / 4));
  var banner = document.getElementById("idle-warning");
  var remaining = banner && banner.querySelector("[data-idle-remaining]");
  var lastActivity = Date.now();

  function userActed() { lastActivity = Date.now(); if (banner) { banner.hidden = true; } }
  ["htmx:beforeRequest"].forEach(function (name) {
    body.addEventListener(name, function (event) {
      var headers = (event.detail.requestConfig || {}).headers || {};
      if (headers["X-IOP-Background"] !== "1") { userActed(); }
    });
  });

  var stay = banner && banner.querySelector("[data-idle-stay]");
  if (stay) {
    stay.addEventListener("click", function () {
      var meta = document.querySelector('meta[name="csrf-token"]');
      fetch(body.dataset.keepaliveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": meta ? meta.content : "" }
      }).then(function (response) {
        if (response.ok) { userActed(); } else { window.location.assign(body.dataset.loginUrl); }
      });
    });
  }

  window.setInterval(function () {
    var left = idleSeconds - Math.floor((Date.now() - lastActivity) / 1000);
    if (left <= 0) {
      window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
    } else if (left <= warnBefore && banner) {
      banner.hidden = false;
      if (remaining) { remaining.textContent = Math.ceil(left / 60) + " minute(s)"; }
    }
  }, 5000);
})();
