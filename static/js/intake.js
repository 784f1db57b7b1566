/* The intake's steps: when a step's background save fails (the server is down, or refused it
   outright), its status says so instead of staying silent; what was typed stays on the page. */
(function () {
  "use strict";

  function failed(event, text) {
    var target = event.detail && event.detail.elt;
    if (target && target.id === "intake-autosave") { target.textContent = text; }
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    failed(event, "Not saved (the server answered " + event.detail.xhr.status + "). Keep this page open and try again.");
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    failed(event, "Not saved: the server did not answer. Keep this page open and try again.");
  });
})();
