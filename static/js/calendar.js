/* Calendar grids: move between days and hours with the arrow keys (Home/End: the row's first
   and last day). One cell is in the Tab order at a time (today's, else the first); Tab from a
   cell goes on to its sessions' links. */
(function () {
  "use strict";

  document.querySelectorAll("table[data-calendar]").forEach(function (table) {
    var rows = Array.from(table.tBodies[0].rows);
    var cells = rows.map(function (row) { return Array.from(row.querySelectorAll("td")); });
    var start = table.querySelector("td.table-info") || (cells[0] && cells[0][0]);
    cells.forEach(function (row) {
      row.forEach(function (td) { td.tabIndex = td === start ? 0 : -1; });
    });

    function position(td) {
      for (var r = 0; r < cells.length; r += 1) {
        var c = cells[r].indexOf(td);
        if (c !== -1) { return [r, c]; }
      }
      return null;
    }

    function move(from, to) {
      if (!to) { return; }
      from.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    }

    table.addEventListener("keydown", function (event) {
      var td = event.target.closest("td");
      var at = td && position(td);
      if (!at) { return; }
      var r = at[0], c = at[1], row = cells[r];
      var target = {
        ArrowLeft: row[c - 1],
        ArrowRight: row[c + 1],
        ArrowUp: cells[r - 1] && cells[r - 1][c],
        ArrowDown: cells[r + 1] && cells[r + 1][c],
        Home: row[0],
        End: row[row.length - 1]
      }[event.key];
      if (event.key in { ArrowLeft: 1, ArrowRight: 1, ArrowUp: 1, ArrowDown: 1, Home: 1, End: 1 }) {
        event.preventDefault();
        move(td, target);
      }
    });
  });
})();
