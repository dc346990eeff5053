/*
 * Strike Explainer embeds, version 1. Paste once per page, after any number of cards:
 *   <script async src="https://EXPLAINER/static/embed/v1/embed.js"></script>
 * Each card iframe (marked data-strike-explainer) reports its height; this script sets
 * the iframe's height to match, accepting messages only from the explainer's origin and
 * only from the window of one of the page's card iframes.
 */
(function () {
  "use strict";
  if (window.strikeExplainerEmbeds) return;
  window.strikeExplainerEmbeds = "1";

  const script = document.currentScript;
  const origin = new URL(script ? script.src : "", document.baseURI).origin;
  const MIN = 80;
  const MAX = 4000;

  function frames() {
    return document.querySelectorAll("iframe[data-strike-explainer]");
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== "strike-explainer:height") return;
    const height = Number(data.height);
    if (!Number.isFinite(height)) return;
    for (const frame of frames()) {
      if (frame.contentWindow === event.source) {
        frame.height = String(Math.min(MAX, Math.max(MIN, Math.ceil(height))));
        frame.style.height = frame.height + "px";
        return;
      }
    }
  });
})();
