/* The ICD-10-CM lookup of a diagnoses field: the search box's suggestions come from the server
   (htmx fills the datalist); "Add to diagnoses" (or Enter) appends the chosen code as a line of
   the diagnoses text and says so. The search box's own typing does not count as a change of the
   form (it is not saved as a draft). The count of suggestions for screen readers is set here after
   the datalist is filled, not swapped out of band: a late answer arriving after the step has moved
   on must find nothing to touch. Words typed before htmx was listening are searched once it is. */
(function () {
  "use strict";

  function add(lookup) {
    var search = lookup.querySelector("[data-icd10-search]");
    var target = document.getElementById(lookup.dataset.target);
    var said = lookup.querySelector("[data-icd10-added]");
    var value = search.value.trim();
    if (!target || !value) { return; }
    var lines = target.value.replace(/\s+$/, "");
    target.value = (lines ? lines + "\n" : "") + value;
    target.dispatchEvent(new Event("change", { bubbles: true }));
    search.value = "";
    said.textContent = "Added " + value + " to the diagnoses.";
    search.focus();
  }

  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-icd10-lookup]").forEach(function (lookup) {
      var search = lookup.querySelector("[data-icd10-search]");
      ["input", "change"].forEach(function (name) {
        search.addEventListener(name, function (event) { event.stopPropagation(); });
      });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); add(lookup); }
      });
      lookup.querySelector("[data-icd10-add]").addEventListener("click", function () { add(lookup); });
      // Words typed before htmx was listening (it then takes them as the box's unchanged value)
      // are searched now.
      if (search.value.trim()) { htmx.trigger(search, "icd10-early"); }
      lookup.addEventListener("htmx:afterSwap", function () {
        var count = lookup.querySelector("[data-icd10-count]");
        var n = lookup.querySelectorAll("datalist option").length;
        if (!search.value.trim()) { count.textContent = ""; return; }
        count.textContent = n + (n === 1 ? " code matches" : " codes match");
      });
    });
  });
})();
