/*
 * Inside the card: tell the page that embeds us how tall we are, whenever that changes,
 * and again whenever the host-page script asks (it may load after we first reported).
 * The message carries nothing but a height, so it is posted to any parent origin; the
 * host-page script checks that it comes from our origin and from one of its iframes.
 *
 * Framed, the card fits the frame it was given (its middle cut short, its link to the
 * full explainer in view) until the host-page script shows that it is there by asking
 * for a measurement: a host page that forbids scripts never resizes the frame.
 */
(function () {
  "use strict";
  if (window.parent === window) return;
  const root = document.documentElement;
  root.classList.add("framed");

  // Faded only where it is cut short.
  function markClipped() {
    const body = document.querySelector(".card__body");
    if (!body) return;
    const clipped = !root.classList.contains("sized") && body.scrollHeight > body.clientHeight + 1;
    body.classList.toggle("card__body--clipped", clipped);
  }

  let last = 0;
  function report(force) {
    markClipped();
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last && force !== true) return;
    last = height;
    window.parent.postMessage({ type: "strike-explainer:height", height: height }, "*");
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    if (event.data && event.data.type === "strike-explainer:measure") {
      root.classList.add("sized");
      report(true);
    }
  });
  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(root);
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", markClipped);
  report();
})();
