/* Gongzhi: small enhancements of every page (docs/ui.md). No inline scripts (CSP).
 *
 * Tables: every table in the page with a header row gets data-stack and, on each cell, a
 * data-label with its column's header, so that under 600 px css/portal.css shows each row as a
 * card of "header: value" lines instead of a table scrolling sideways. A table that still
 * scrolls (wider than its box) becomes keyboard-scrollable with a name.
 */
(function () {
  "use strict";

  function headerLabels(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) return null;
    var row = head.rows[head.rows.length - 1];
    var labels = [];
    for (var i = 0; i < row.cells.length; i++) {
      var cell = row.cells[i];
      var text = (cell.innerText || cell.textContent || "").replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cell.colSpan || 1); span++) labels.push(text);
    }
    return labels;
  }

  function stack(table) {
    if (table.hasAttribute("data-stack") || table.closest("[data-no-stack]")) return;
    var labels = headerLabels(table);
    if (!labels || labels.length < 2) return;
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) bodies.push(table.tFoot);
    bodies.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          var rowHeader = cell.tagName === "TH" && cell.getAttribute("scope") === "row";
          if (label && !rowHeader && (cell.colSpan || 1) === 1 && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
          // An empty cell is left out of its card rather than shown as a label with nothing.
          if (!cell.textContent.trim() && !cell.querySelector("a, button, input, select, img, svg")) cell.setAttribute("data-empty", "");
          column += cell.colSpan || 1;
        });
      });
    });
    // Shown as blocks, a table can lose its semantics in some browsers: say them explicitly.
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        var role = "cell";
        if (cell.tagName === "TH") role = cell.parentNode.parentNode.tagName === "THEAD" ? "columnheader" : "rowheader";
        cell.setAttribute("role", role);
      });
    });
    table.setAttribute("data-stack", "");
  }

  function scrollable(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      if (!wrap.hasAttribute("tabindex")) wrap.setAttribute("tabindex", "0");
      var table = wrap.querySelector("table");
      var caption = table && table.caption ? table.caption.textContent.trim() : "";
      if (caption && !wrap.hasAttribute("role")) {
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption);
      }
    }
  }

  function run() {
    var main = document.getElementById("main");
    if (!main) return;
    Array.prototype.forEach.call(main.querySelectorAll("table"), stack);
    Array.prototype.forEach.call(main.querySelectorAll(".table-wrap"), scrollable);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();

/* Installable on a phone (portal/core/pwa.py): register the service worker and tell it this
 * page's language and theme, so that without a network it shows the offline page in them. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;

  function page() {
    var care = document.body && document.body.classList.contains("theme-care");
    return {lang: document.documentElement.lang || "zh-hans", theme: care ? "care" : "default"};
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) registration.active.postMessage({page: page()});
    }).catch(function () {
      /* No worker (a private window, a browser that refuses it): the portal works without. */
    });
  });
})();
