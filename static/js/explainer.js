/*
 * Announcements: content that htmx swaps in may carry a summary marked data-announce
 * ("3 results for ..."); it is read out through one live region that never moves, so
 * screen readers announce it reliably and only once per swap.
 */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    const summary = event.detail.elt.querySelector("[data-announce]");
    const status = document.getElementById("live-status");
    if (summary && status) status.textContent = summary.textContent.trim();
  });
})();

/*
 * Previews in place: citation markers and glossary terms. A marker ([1]) links to its
 * entry in the page's reference list, a term to its entry in the glossary; with htmx
 * either fetches a small dialog (the passage, or the explainer's definition) and inserts
 * it right after the link. This script makes that dialog behave: it takes focus when it
 * opens, closes on Escape, on its Close button or on a second press of the link, and
 * gives focus back to the link. Only one preview is open at a time.
 */
(function () {
  "use strict";

  const TRIGGER = ".marker, .term";
  let openMarker = null;

  function isTrigger(element) {
    return Boolean(element.matches && element.matches(TRIGGER));
  }

  function previewOf(marker) {
    const next = marker && marker.nextElementSibling;
    return next && next.matches("[data-preview]") ? next : null;
  }

  function close(returnFocus) {
    const marker = openMarker;
    if (!marker) return;
    const preview = previewOf(marker);
    if (preview) preview.remove();
    marker.setAttribute("aria-expanded", "false");
    marker.removeAttribute("aria-controls");
    openMarker = null;
    if (returnFocus) marker.focus();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker)) return;
    if (marker === openMarker) {
      // A second press closes the preview instead of fetching another copy.
      event.preventDefault();
      close(true);
      return;
    }
    close(false);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker)) return;
    const preview = previewOf(marker);
    if (!preview) return;
    const id = "preview-" + marker.getAttribute("href").split("#")[1];
    preview.id = id;
    if (marker.matches(".marker")) {
      preview.setAttribute("aria-label", "Source " + marker.textContent.trim());
    }
    marker.setAttribute("aria-controls", id);
    marker.setAttribute("aria-expanded", "true");
    openMarker = marker;
    preview.focus();
  });

  // Markers are plain links until this script runs; only then do they open dialogs.
  document.addEventListener("htmx:load", function (event) {
    const root = event.detail.elt;
    const markers = isTrigger(root) ? [root] : root.querySelectorAll(TRIGGER);
    for (const marker of markers) {
      marker.setAttribute("aria-haspopup", "dialog");
      marker.setAttribute("aria-expanded", "false");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !openMarker) return;
    const active = document.activeElement;
    const inside = active === openMarker || (previewOf(openMarker) || openMarker).contains(active);
    event.preventDefault();
    // Focus goes back to the marker only if the reader was still with the preview.
    close(inside);
  });

  document.addEventListener("click", function (event) {
    // htmx fetches the preview; the marker's own link (to the reference list) is the
    // fallback for readers without JavaScript, so it must not also jump the page.
    if (window.htmx && event.target.closest(TRIGGER)) event.preventDefault();
    if (!openMarker) return;
    if (event.target.closest("[data-preview-close]")) {
      close(true);
    } else if (!event.target.closest("[data-preview]") && !event.target.closest(TRIGGER)) {
      close(false);
    }
  });

  // A page restored from htmx's history must not keep a stale preview.
  document.addEventListener("htmx:beforeHistorySave", function () {
    close(false);
  });
})();

/*
 * "Embed this": a copy button for the snippet. Without JavaScript the button stays
 * hidden and the snippet is selectable text in a read-only box.
 */
(function () {
  "use strict";
  function setUp() {
    for (const button of document.querySelectorAll("[data-copy]")) {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector("[data-copy-status]");
      if (!field) continue;
      button.hidden = false;
      button.addEventListener("click", function () {
        const done = function (message) {
          if (status) status.textContent = message;
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(
            function () { done("Copied."); },
            function () { field.select(); done("Press Ctrl+C (or Cmd+C) to copy."); }
          );
        } else {
          field.select();
          done("Selected: press Ctrl+C (or Cmd+C) to copy.");
        }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

/*
 * "Later events": a real link to the next page of the timeline. With htmx it appends
 * that page below the one being read instead; focus then moves to the new page's
 * heading, which is announced, so keyboard and screen reader users carry on from there.
 */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    const pages = event.detail.elt;
    if (!pages.matches || !pages.matches("[data-pages]")) return;
    const last = pages.lastElementChild;
    const heading = last && last.querySelector("h2");
    const status = document.getElementById("live-status");
    if (!heading) return;
    heading.focus();
    if (status) status.textContent = heading.textContent.trim();
  });
})();
