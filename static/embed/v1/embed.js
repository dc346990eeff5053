/*
 * Strike Explainer embeds, version 1. Paste after any number of cards:
 *   <script async src="https://EXPLAINER/static/embed/v1/embed.js"></script>
 * Each card reports its height with postMessage; this script sets the height of the
 * iframe it came from, accepting messages only from the explainer's origin and only
 * from the window of one of this page's iframes. An iframe's data-max-height, if any,
 * caps the height (the card then scrolls); its data-max-width caps its width.
 *
 * Styles are set through the DOM, never as inline markup, so a host page whose
 * Content-Security-Policy refuses inline styles still gets them, with no warning.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script) return;
  const origin = new URL(script.src, document.baseURI).origin;

  // Loaded twice from one origin, the second copy does nothing; cards from another of
  // our origins (www and apex, say) get their own listener.
  const loaded = (window.strikeExplainerEmbeds = window.strikeExplainerEmbeds || {});
  if (loaded[origin]) return;
  loaded[origin] = true;

  const MIN = 80;
  const MAX = 4000;

  function ours(frame) {
    return frame.hasAttribute("data-strike-explainer") && frame.src.indexOf(origin + "/") === 0;
  }

  function frameOf(source) {
    for (const frame of document.getElementsByTagName("iframe")) {
      if (frame.contentWindow === source) return frame;
    }
    return null;
  }

  function fit(frame) {
    const width = Number(frame.dataset.maxWidth);
    frame.style.border = "0";
    if (frame.getAttribute("width") === "100%") frame.style.width = "100%";
    if (width > 0) frame.style.maxWidth = width + "px";
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || data.type !== "strike-explainer:height") return;
    const frame = frameOf(event.source);
    const height = Number(data.height);
    if (!frame || !Number.isFinite(height)) return;
    const cap = Number(frame.dataset.maxHeight) || MAX;
    const size = String(Math.min(cap, MAX, Math.max(MIN, Math.ceil(height))));
    frame.height = size;
    frame.style.height = size + "px";
  });

  // Cards that reported before this script ran are asked to report again; the request
  // says nothing but "measure", so it may go to whatever the frame holds at the time
  // (a frame still loading holds an empty page of this page's origin, and naming our
  // origin as the target would make the browser log a warning).
  function ask(frame) {
    if (!ours(frame) || !frame.contentWindow) return;
    fit(frame);
    frame.contentWindow.postMessage({ type: "strike-explainer:measure" }, "*");
  }
  for (const frame of document.getElementsByTagName("iframe")) ask(frame);
  document.addEventListener(
    "load",
    function (event) {
      if (event.target.tagName === "IFRAME") ask(event.target);
    },
    true
  );
})();
