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
    if (button) {
      event.preventDefault();
      if (window.htmx) { window.htmx.process(row); }  // idempotent: a row just swapped in
      button.click();
      return;
    }
    if (key === "arrowdown" || key === "arrowup") {
      var rows = Array.from(row.closest("tbody").querySelectorAll("tr[data-attendance-row]"));
      var next = rows[rows.indexOf(row) + (key === "arrowdown" ? 1 : -1)];
      if (next) { event.preventDefault(); next.focus(); }
    }
  });
  // After htmx re-draws a row, keep the keyboard where it was; after "All present" re-draws
  // the sheet, the keyboard goes to its first row, ready to adjust the few who were not. The
  // sheet's first row takes it once htmx has settled (processed) the new rows: a key pressed
  // on a row htmx has not processed yet would submit its form as a whole page instead.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.target;
    if (row && row.matches && row.matches("tr[data-attendance-row]")) {
      var fresh = document.getElementById(row.id);
      if (fresh) { fresh.focus(); }
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.matches && target.matches("[data-attendance-sheet]")) {
      var sheet = document.getElementById(target.id);
      var first = sheet && sheet.querySelector("tr[data-attendance-row]");
      if (first) { first.focus(); }
    }
  });

  // "Cancel" on a form opened in place removes it instead of leaving the page.
  document.body.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel-form]");
    var form = cancel && cancel.closest("form");
    var box = form && form.parentElement;
    if (box && /^add-/.test(box.id)) {
      event.preventDefault();
      box.replaceChildren();
      var opener = box.previousElementSibling;
      if (opener && opener.matches("a")) { opener.focus(); }
    }
  });

  // The plan editor from the keyboard: a form opened in place takes the focus, and after a
  // save re-draws the plan the focus goes to the item just saved (data-focus names it).
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var form = target && target.querySelector && target.querySelector("form[data-testid=item-form]");
    if (form && target.id !== "plan-tree") {
      // Filled in from the library: straight to the text to edit (a goal into the client's words).
      var picked = form.querySelector("[data-testid=picked]");
      var field = form.querySelector(picked ? "textarea, input:not([type=hidden])" : "textarea, input:not([type=hidden]), select");
      if (field) { field.focus(); }
      return;
    }
    var tree = document.getElementById("plan-tree");
    var spot = tree && tree.dataset.focus && document.getElementById(tree.dataset.focus);
    if (spot) {
      delete tree.dataset.focus;
      spot.setAttribute("tabindex", "-1");
      spot.focus();
    }
  });

  // Idle logoff warning. The server enforces the limit; this tells the user it is coming
  // and lets them stay. Typing and clicking count as activity: they reset this countdown and
  // ping the keep-alive address (at most once a minute, a quarter of the limit if shorter),
  // so a clinician writing a long note is not signed out mid-sentence. Polling requests
  // (X-IOP-Background) and a page merely left open do not.
  var body = document.body;
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idleSeconds) { return; }
  var warnBefore = Math.min(120, Math.floor(idleSeconds / 4));
  var pingEvery = Math.min(60, Math.max(1, Math.floor(idleSeconds / 4))) * 1000;
  var banner = document.getElementById("idle-warning");
  var remaining = banner && banner.querySelector("[data-idle-remaining]");
  var lastActivity = Date.now();
  var lastPing = Date.now();  // loading the page was activity
  var pingTimer = null;

  function userActed() { lastActivity = Date.now(); if (banner) { banner.hidden = true; } }
  body.addEventListener("htmx:beforeRequest", function (event) {
    var headers = (event.detail.requestConfig || {}).headers || {};
    if (headers["X-IOP-Background"] !== "1") { userActed(); lastPing = Date.now(); }
  });

  function keepAlive() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    lastPing = Date.now();
    // A timed-out session answers with a redirect to the login page: not followed, so that it
    // reads as a failure here.
    return fetch(body.dataset.keepaliveUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": meta ? meta.content : "" }
    });
  }

  function userInput() {
    userActed();
    if (pingTimer) { return; }
    var wait = pingEvery - (Date.now() - lastPing);
    if (wait <= 0) { keepAlive(); return; }
    pingTimer = window.setTimeout(function () { pingTimer = null; keepAlive(); }, wait);
  }
  ["keydown", "input", "click"].forEach(function (name) {
    document.addEventListener(name, function (event) { if (event.isTrusted) { userInput(); } }, true);
  });

  var stay = banner && banner.querySelector("[data-idle-stay]");
  if (stay) {
    stay.addEventListener("click", function () {
      keepAlive().then(function (response) {
        if (response.ok) { userActed(); } else { window.location.assign(body.dataset.loginUrl); }
      });
    });
  }

  window.setInterval(function () {
    var left = idleSeconds - Math.floor((Date.now() - lastActivity) / 1000);
    if (left <= 0) {
      window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search));
    } else if (left <= warnBefore && banner) {
      banner.hidden = false;
      if (remaining) { remaining.textContent = Math.ceil(left / 60) + " minute(s)"; }
    }
  }, 5000);
})();
