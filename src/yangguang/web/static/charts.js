/* Charts of the public rankings page. Each element with data-chart="<kind>" and data-src="<public API URL>"
   becomes an ECharts chart of the JSON at that URL; the page's tables carry the same figures for
   readers without script or sight. Needs /static/vendor/echarts.min.js loaded before this file. */
(function () {
  "use strict";

  var COLOURS = { accepted: "#2f80ed", completed: "#1e7b34", onTime: "#c0392b",
                  warning: "#2f80ed", yellow: "#d69e2e", red: "#b3261e" };
  var LEVELS = [["warning", "预警"], ["yellow", "黄牌"], ["red", "红牌"]];
  var requests = {};

  function load(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        });
    }
    return requests[url];
  }

  function months(data) { return data.months.map(function (m) { return m.month; }); }

  var builders = {
    /* Units or windows by score, best on top (those without a score are left out). */
    ranking: function (data, element) {
      var rows = data.items.filter(function (r) { return r.score !== null; }).reverse();
      element.style.height = Math.max(240, rows.length * 26 + 60) + "px";
      return {
        grid: { left: 8, right: 40, top: 10, bottom: 24, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", min: 0, max: 100, name: "得分" },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
                 axisLabel: { width: 160, overflow: "truncate" } },
        series: [{ type: "bar", name: "综合得分", data: rows.map(function (r) { return r.score; }),
                   itemStyle: { color: COLOURS.onTime }, label: { show: true, position: "right" } }]
      };
    },
    /* Cases accepted and completed per month. */
    volume: function (data) {
      return {
        title: { text: "每月受理与办结", textStyle: { fontSize: 14 } },
        legend: { bottom: 0 }, grid: { top: 44, left: 8, right: 8, bottom: 32, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: months(data) }, yAxis: { type: "value", name: "件" },
        series: [
          { type: "bar", name: "受理", data: data.months.map(function (m) { return m.accepted; }),
            itemStyle: { color: COLOURS.accepted } },
          { type: "bar", name: "办结", data: data.months.map(function (m) { return m.completed; }),
            itemStyle: { color: COLOURS.completed } }
        ]
      };
    },
    /* The on-time rate per month. */
    on_time: function (data) {
      return {
        title: { text: "按时办结率", textStyle: { fontSize: 14 } },
        grid: { top: 50, left: 8, right: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
        xAxis: { type: "category", data: months(data) },
        yAxis: { type: "value", name: "%", max: 100, min: function (v) { return Math.max(0, Math.floor(v.min - 5)); } },
        series: [{ type: "line", name: "按时办结率", connectNulls: false,
                   data: data.months.map(function (m) { return m.on_time_rate; }),
                   itemStyle: { color: COLOURS.onTime } }]
      };
    },
    /* Cards issued per month, stacked by level. */
    cards: function (data) {
      return {
        title: { text: "每月监察牌", textStyle: { fontSize: 14 } },
        legend: { bottom: 0 }, grid: { top: 44, left: 8, right: 8, bottom: 32, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: months(data) }, yAxis: { type: "value", name: "张", minInterval: 1 },
        series: LEVELS.map(function (level) {
          return { type: "bar", stack: "cards", name: level[1], itemStyle: { color: COLOURS[level[0]] },
                   data: data.months.map(function (m) { return m[level[0]]; }) };
        })
      };
    }
  };

  function draw(element) {
    var build = builders[element.dataset.chart];
    if (!build || typeof echarts === "undefined") { return; }
    load(element.dataset.src).then(function (data) {
      var option = build(data, element);
      var chart = echarts.init(element);
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    }).catch(function () {
      element.textContent = "图表数据加载失败，请查看下方表格。";
      element.style.height = "auto";
    });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
