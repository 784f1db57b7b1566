/* Drafts save themselves: a form with data-autosave-url posts its fields there a few seconds
   (body data-autosave-seconds) after typing stops, carries the revision it gets back (the
   optimistic-concurrency check, see sessions.services.notes), and says "Saved hh:mm". */
(function () {
  "use strict";

  var delay = parseInt(document.body.dataset.autosaveSeconds || "20", 10) * 1000;

  function save(form, status) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    status.textContent = "Saving…";
    return fetch(form.dataset.autosaveUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": meta ? meta.content : "" },
      body: new FormData(form)
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) {
        status.textContent = "Not saved: you are signed out. Copy your text before signing in again.";
        return;
      }
      return response.json().then(function (answer) {
        if (response.ok) {
          var revision = form.elements.namedItem("revision");
          if (revision) { revision.value = answer.revision; }
          status.textContent = "Saved " + answer.saved;
        } else {
          status.textContent = answer.detail || "Not saved.";
        }
      });
    }).catch(function () { status.textContent = "Not saved: the server did not answer."; });
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(function (form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    if (!status) { return; }
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      status.textContent = "Unsaved changes";
      timer = window.setTimeout(function () { save(form, status); }, delay);
    });
    // Saving or signing by hand makes a pending background save pointless.
    form.addEventListener("submit", function () { window.clearTimeout(timer); });
  });
})();
