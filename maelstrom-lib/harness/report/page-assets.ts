/**
 * The report page's inline stylesheet and scripts. The page loads nothing from the network:
 * everything it needs is in these strings.
 */

/** Verdict colours, as `maelstrom serve` colours runs: blue valid, orange unknown, pink invalid, lavender aborted. */
export const VERDICT_COLORS = {
  valid: "#6DB6FE",
  unknown: "#FFAA26",
  invalid: "#FF1E90",
  aborted: "#B39DDB",
  incomplete: "#999",
  missing: "#bbb",
} as const;

// Rules too long for one source line, kept as the page has them.
const BODY_CSS =
  'body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1000px; ' +
  "padding: 16px 24px 64px; color: #222; }";
const HEADING_CSS =
  "h1 { font-size: 22px; margin: 8px 0; } " +
  "h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }";
const WHY_BORDER_CSS =
  ".why-invalid { border-color: #FF1E90; } .why-unknown { border-color: #FFAA26; } " +
  ".why-aborted { border-color: #B39DDB; } .why-valid { border-color: #6DB6FE; }";

/** The page's stylesheet. */
export const PAGE_CSS = `
${BODY_CSS}
${HEADING_CSS}
h3 { font-size: 15px; margin: 18px 0 6px; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: #f6f6f6; padding: 8px; overflow: auto; max-height: 420px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; padding: 4px 14px; border-radius: 4px; font-weight: bold; color: #000; }
.badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 12px; color: #000; }
.muted { color: #777; } .note { color: #555; font-size: 13px; }
.bar { display: inline-block; height: 10px; background: #444; vertical-align: middle; }
svg.plot { display: block; margin: 8px 0; font-size: 11px; font-family: inherit; }
svg.plot .plot-title { font-size: 13px; font-weight: bold; }
svg.plot .legend-item { cursor: pointer; } svg.plot .legend-item.off { opacity: 0.3; }
.diagram { max-height: 560px; overflow: auto; border: 1px solid #ddd; }
details summary { cursor: pointer; }
svg.plot .band-label { font-size: 10px; }
.fault-key { display: inline-block; width: 10px; height: 10px; vertical-align: middle; border: 1px solid; }
td.reason { min-width: 16em; max-width: 24em; font-size: 13px; }
table.nemesis-events td.kind { white-space: nowrap; }
.why { border-left: 6px solid #ddd; padding: 4px 12px; margin: 8px 0 16px; background: #fafafa; }
${WHY_BORDER_CSS}
.why .headline { font-weight: bold; } .why pre.tail { max-height: 200px; margin: 2px 0 8px; }
.findings pre.txns { margin: 2px 0 4px; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.findings p.more-cases { margin: 0 0 4px; font-size: 12px; }
.findings ul, .unmatched ul { margin: 4px 0; padding-left: 20px; }
.findings li, .unmatched li { margin: 2px 0; } .ops { font-size: 12px; }
table.checkers .findings p { margin: 0; }
`;

/** Runs first: records script errors where a test (or a curious person) can see them. */
export const ERROR_TRAP_JS = `
window.reportErrors = [];
window.addEventListener("error", function (event) {
  window.reportErrors.push(String(event.message || event));
  document.documentElement.setAttribute("data-script-errors", String(window.reportErrors.length));
});
`;

/** Runs last: legend toggles and a hover read-out on each plot, then marks the page ready. */
export const PAGE_JS = `
(function () {
  function toggle(plot, index, item) {
    var series = plot.querySelector('g.series[data-series="' + index + '"]');
    if (!series) return;
    var hidden = series.getAttribute("visibility") === "hidden";
    series.setAttribute("visibility", hidden ? "visible" : "hidden");
    item.classList.toggle("off", !hidden);
  }
  function valueAt(plot, xPx, yPx) {
    var d = plot.dataset;
    var left = +d.left, right = +d.right, top = +d.top, bottom = +d.bottom;
    var x = ((xPx - left) / (right - left)) * +d.xMax;
    var fraction = (bottom - yPx) / (bottom - top);
    var y = d.yScale === "log"
      ? Math.pow(10, Math.log10(+d.yMin) + fraction * (Math.log10(+d.yMax) - Math.log10(+d.yMin)))
      : +d.yMin + fraction * (+d.yMax - +d.yMin);
    return { x: x, y: y, inside: xPx >= left && xPx <= right && yPx >= top && yPx <= bottom };
  }
  var plots = document.querySelectorAll("svg.plot");
  plots.forEach(function (plot) {
    plot.querySelectorAll(".legend-item").forEach(function (item) {
      item.addEventListener("click", function () { toggle(plot, item.getAttribute("data-series"), item); });
    });
    var readout = plot.querySelector("g.readout");
    var line = readout.querySelector("line");
    var text = readout.querySelector("text");
    plot.addEventListener("mousemove", function (event) {
      var box = plot.getBoundingClientRect();
      var scale = plot.viewBox.baseVal.width / box.width;
      var xPx = (event.clientX - box.left) * scale, yPx = (event.clientY - box.top) * scale;
      var value = valueAt(plot, xPx, yPx);
      if (!value.inside) { readout.setAttribute("visibility", "hidden"); return; }
      line.setAttribute("x1", xPx); line.setAttribute("x2", xPx);
      text.setAttribute("x", xPx + 4);
      text.textContent = value.x.toFixed(2) + " s, " + value.y.toPrecision(3);
      readout.setAttribute("visibility", "visible");
    });
    plot.addEventListener("mouseleave", function () { readout.setAttribute("visibility", "hidden"); });
  });
  document.documentElement.setAttribute("data-plot-count", String(plots.length));
  document.documentElement.setAttribute("data-report-ready", "1");
})();
`;
