// Registry import page: while the job runs, fetch this page again every two seconds and put
// its status section in place (no inline script: CSP); once the job is over, reload the page.
(function () {
  "use strict";
  var RUNNING = { queued: true, checking: true, writing: true };
  var section = document.getElementById("import-status");
  if (!section || !RUNNING[section.getAttribute("data-state")]) return;
  var failures = 0;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-status");
        if (!fresh) throw new Error("no status");
        failures = 0;
        var state = fresh.getAttribute("data-state");
        if (!RUNNING[state]) { window.location.reload(); return; }
        section.innerHTML = fresh.innerHTML;
        section.setAttribute("data-state", state);
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 2000);
})();
