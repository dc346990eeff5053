/*
 * Inside the card: tell the page that embeds us how tall we are, whenever that changes.
 * The message carries nothing but a height, so it is posted to any parent origin; the
 * host-page script checks that it comes from our origin and from its own iframe.
 */
(function () {
  "use strict";
  if (window.parent === window) return;

  let last = 0;
  function report() {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "strike-explainer:height", height: height }, "*");
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.documentElement);
  }
  window.addEventListener("load", report);
  report();
})();
