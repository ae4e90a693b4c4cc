/** The stylesheet and script of linearizability.html, inline: the page loads nothing. */
import { VERDICT_COLORS } from "./page-assets.ts";

/** The page's stylesheet. */
export const LINEARIZABILITY_CSS = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
  margin: 0 auto; padding: 16px 24px 64px; max-width: 1400px; }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.note { color: #555; font-size: 13px; } .none { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 12px; color: #000; }
.verdict-invalid { background: ${VERDICT_COLORS.invalid}; }
.verdict-valid { background: ${VERDICT_COLORS.valid}; }
.verdict-unknown { background: ${VERDICT_COLORS.unknown}; }
.explanation { font-weight: bold; } .key-mark { vertical-align: middle; }
.picture-row { display: flex; border: 1px solid #ddd; margin: 8px 0; }
.picture { overflow-x: auto; flex: 1; }
svg.lanes { flex: none; border-right: 1px solid #eee; font-size: 12px; }
svg.lanes text { fill: #444; }
svg.linearizability { display: block; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
svg.linearizability text.axis { fill: #777; font-size: 11px; }
svg.linearizability rect.failed { stroke: #d00; stroke-width: 2.5; }
svg.linearizability g.op { cursor: pointer; }
svg.linearizability g.op:hover rect { stroke-width: 3; }
.off { display: none; }
button.pick { font-size: 12px; margin: 2px; padding: 2px 8px; border: 1px solid #999; border-radius: 3px;
  background: #f4f4f4; cursor: pointer; }
button.pick.on { background: #222; color: #fff; }
tr.next td { color: #b00000; } tr.earlier td { color: #777; font-style: italic; }
.tip { position: absolute; display: none; max-width: 420px; background: #fff; border: 1px solid #aaa;
  border-radius: 4px; padding: 6px 8px; font-size: 12px; white-space: pre-line;
  box-shadow: 0 2px 6px rgba(0,0,0,0.15); pointer-events: none; }
`;

/**
 * Picking a partial linearization (buttons; a click on a bar picks the longest that holds it),
 * the hover box, and each picture scrolled to show where its failure is; then marks the page ready.
 */
export const LINEARIZABILITY_JS = `
(function () {
  var tip = document.querySelector(".tip");
  document.querySelectorAll("section.key").forEach(function (section) {
    var tips = JSON.parse(section.querySelector("script.tips").textContent);
    var current = 0;
    function select(i) {
      current = i;
      section.querySelectorAll("[data-lin]").forEach(function (el) {
        el.classList.toggle("off", Number(el.getAttribute("data-lin")) !== i);
      });
      section.querySelectorAll("button.pick").forEach(function (b) {
        b.classList.toggle("on", Number(b.getAttribute("data-pick")) === i);
      });
    }
    section.querySelectorAll("button.pick").forEach(function (b) {
      b.addEventListener("click", function () { select(Number(b.getAttribute("data-pick"))); });
    });
    section.querySelectorAll("g.op").forEach(function (bar) {
      var op = bar.getAttribute("data-op");
      bar.addEventListener("mousemove", function (event) {
        tip.textContent = tips.ops[op] + "\\n" + ((tips.lin[current] || {})[op] || tips.notIn);
        tip.style.display = "block";
        tip.style.left = Math.max(0, Math.min(event.pageX + 14, document.documentElement.scrollWidth - 440)) + "px";
        tip.style.top = event.pageY + 14 + "px";
      });
      bar.addEventListener("mouseleave", function () { tip.style.display = "none"; });
      bar.addEventListener("click", function () { if (tips.best[op] !== undefined) select(tips.best[op]); });
    });
    var picture = section.querySelector(".picture");
    // Only as far as it takes to show where the longest partial linearization fails, and a little after.
    picture.scrollLeft = Math.max(0, Number(picture.getAttribute("data-focus-x")) + 240 - picture.clientWidth);
  });
  document.documentElement.setAttribute("data-report-ready", "1");
})();
`;
