/* Paper ballot entry: find the owner party as you type (voting:paper_search returns the same
 * list the search form shows without JS). No inline script (CSP). */
(function () {
  "use strict";
  var input = document.getElementById("paper-q");
  var target = document.getElementById("paper-results");
  if (!input || !target || !window.fetch) return;
  var timer = null;
  var seq = 0;
  function search() {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { target.innerHTML = ""; return; }
    fetch(input.getAttribute("data-search-url") + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (mine === seq) target.innerHTML = html; })
      .catch(function () {});
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
})();
