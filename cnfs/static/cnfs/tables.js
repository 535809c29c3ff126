// Every table of the site: each cell learns its column's name (shown before it when rows
// become cards on a phone, see site.css), and a table that still scrolls sideways can be
// scrolled with the keyboard (a focusable region named after its caption).
(function () {
  function label(table) {
    var caption = table.querySelector("caption");
    return caption ? caption.textContent.trim() : "Tableau";
  }
  document.querySelectorAll(".fr-table table").forEach(function (table) {
    var headers = table.querySelectorAll("thead tr:last-child th");
    if (headers.length) {
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var header = headers[column];
          if (cell.tagName === "TD" && header && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", header.textContent.trim());
          }
          column += cell.colSpan || 1;
        });
      });
    }
    var scroller = table.closest(".fr-table__container") || table;
    if (!scroller.hasAttribute("tabindex")) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      scroller.setAttribute("aria-label", label(table));
    }
  });
})();
