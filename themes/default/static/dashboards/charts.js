/* Gongzhi dashboards: draw every chart from its JSON data block with Apache ECharts.
 *
 * Each chart is a <div class="chart" data-chart-data="ID"> and a
 * <script type="application/json" id="ID"> block (Django's json_script: data, never executed)
 * holding {type: "bar"|"stack"|"line"|"pie", title, headers: [label, series...], rows: [[label, v...]],
 * integer: true when the figures are counts, false when they are not (money, areas, shares)}.
 * The same figures are on the page as a table, so the page works without this script.
 */
(function () {
  "use strict";

  function number(v) {
    if (v === null || v === undefined || v === "") { return null; }
    var n = Number(v);
    return isNaN(n) ? null : n;
  }

  function option(data) {
    var headers = data.headers || [];
    var rows = data.rows || [];
    var categories = rows.map(function (r) { return String(r[0]); });
    if (data.type === "pie") {
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          label: { show: false },
          name: headers[1] || "",
          data: rows.map(function (r) { return { name: String(r[0]), value: number(r[1]) }; })
        }]
      };
    }
    // Counts get whole-number ticks (no "2.5 estates"); every axis label has thousands separators.
    // The data says whether its figures are counts; without that, whole numbers are taken as counts.
    var integers = typeof data.integer === "boolean" ? data.integer : rows.every(function (r) {
      return r.slice(1).every(function (v) { var n = number(v); return n === null || Math.round(n) === n; });
    });
    var axisNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: integers ? 0 : 2 });
    var series = [];
    for (var i = 1; i < headers.length; i++) {
      series.push({
        name: String(headers[i]),
        type: data.type === "line" ? "line" : "bar",
        stack: data.type === "stack" ? "total" : undefined,
        data: rows.map(function (r) { return number(r[i]); })
      });
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: {
        type: "value",
        minInterval: integers ? 1 : 0,
        axisLabel: { formatter: function (v) { return axisNumber.format(v); } }
      },
      series: series
    };
  }

  function draw() {
    if (typeof window.echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll(".chart[data-chart-data]").forEach(function (el) {
      var block = document.getElementById(el.getAttribute("data-chart-data"));
      if (!block) { return; }
      var data;
      try { data = JSON.parse(block.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(data));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
