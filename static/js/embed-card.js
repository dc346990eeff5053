/*
 * Inside the card: tell the page that embeds us how tall we are, whenever that changes,
 * and again whenever the host-page script asks (it may load after we first reported).
 * The message carries nothing but a height, so it is posted to any parent origin; the
 * host-page script checks that it comes from our origin and from one of its iframes.
 */
(function () {
  "use strict";
  if (window.parent === window) return;

  let last = 0;
  function report(force) {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last && force !== true) return;
    last = height;
    window.parent.postMessage({ type: "strike-explainer:height", height: height }, "*");
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    if (event.data && event.data.type === "strike-explainer:measure") report(true);
  });
  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.documentElement);
  }
  window.addEventListener("load", report);
  report();
})();
