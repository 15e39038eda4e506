// Claim form: when an estate is picked, offer its unit codes as suggestions (datalist).
(function () {
  "use strict";
  var form = document.querySelector("form[data-units-url]");
  if (!form) return;
  var estate = form.querySelector("select[name=estate]");
  var list = document.getElementById("unit-code-options");
  if (!estate || !list) return;
  function load() {
    var url = form.getAttribute("data-units-url") + "?estate=" + encodeURIComponent(estate.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { units: [] }; })
      .then(function (data) {
        list.textContent = "";
        data.units.forEach(function (code) {
          var option = document.createElement("option");
          option.value = code;
          list.appendChild(option);
        });
      })
      .catch(function () { list.textContent = ""; });
  }
  estate.addEventListener("change", load);
  if (estate.value) load();
})();
