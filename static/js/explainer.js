/*
 * Announcements: a list that htmx swaps in whole (a region marked data-results) may carry a
 * summary marked data-announce ("3 results for ..."); it is read out through one live
 * region that never moves, so screen readers announce it reliably and once per swap. A
 * list with nothing to say (the search box cleared) empties it, so an old count is
 * never left behind.
 */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    const region = event.detail.elt;
    const status = document.getElementById("live-status");
    if (!status || !region.matches || !region.matches("[data-results]")) return;
    const summary = region.querySelector("[data-announce]");
    status.textContent = summary ? summary.textContent.trim() : "";
  });
})();

/*
 * Requests that hold up on slow and failing networks, for the filters, search and
 * "Later events" (the previews below have their own rules):
 * - the address names only the parameters in use (an unchosen filter is left out);
 * - while a request is on its way its region is marked busy and the form shows that
 *   it is loading;
 * - a 400 from our own forms is a message to show (a search that cannot be run), not
 *   a failure;
 * - a request that fails (offline, a server error, no answer in time) says so in
 *   place, with a plain link to try again, and a form's controls are put back to
 *   what the list on screen shows (it matches the address);
 * - after Back or Forward, and when a page is shown again, a form's controls follow
 *   the address, so the control, the address and the list always agree.
 */
(function () {
  "use strict";

  // Previews (markers and terms, which may sit inside a list) follow their own rules.
  function fromRegion(element) {
    return Boolean(
      element && element.closest && !element.matches(".marker, .term") &&
      element.closest("[data-results], [data-follows-url]")
    );
  }

  function followAddress(form) {
    const query = new URLSearchParams(window.location.search);
    for (const control of form.elements) {
      if (!control.name || control.type === "submit") continue;
      const value = query.get(control.name) || "";
      if (control.tagName === "SELECT" && !Array.from(control.options).some(function (o) { return o.value === value; })) {
        continue;
      }
      control.value = value;
    }
  }

  function followAddressEverywhere() {
    for (const form of document.querySelectorAll("form[data-follows-url]")) followAddress(form);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const elt = event.detail.elt;
    if (event.detail.verb !== "get" || !elt.matches || !elt.matches("form")) return;
    const formData = event.detail.formData;
    for (const [name, value] of Array.from(formData.entries())) {
      if (value === "") formData.delete(name);
    }
  });

  function clearFailures(region) {
    for (const alert of region.querySelectorAll("[data-failure-alert]")) alert.remove();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    const target = event.detail.target;
    if (!fromRegion(elt) || !target) return;
    clearFailures(target.closest("[data-results]") || target);
    target.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const target = event.detail.target;
    if (fromRegion(event.detail.elt) && target) target.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const elt = event.detail.elt;
    if (event.detail.xhr.status === 400 && elt.closest && elt.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function failureAlert(what, href) {
    const alert = document.createElement("p");
    alert.className = "inline-alert";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-failure-alert", "");
    alert.append(what + " could not be loaded: the connection failed or the site did not answer. ");
    const link = document.createElement("a");
    link.href = href;
    link.textContent = "Try again";
    alert.append(link);
    return alert;
  }

  function failed(event) {
    const elt = event.detail.elt;
    const target = event.detail.target || event.detail.requestConfig && event.detail.requestConfig.target;
    if (!fromRegion(elt) || !target) return;
    target.removeAttribute("aria-busy");
    const pathInfo = event.detail.pathInfo || {};
    const alert = failureAlert(
      elt.getAttribute("data-failure-what") || "This",
      pathInfo.finalRequestPath || elt.getAttribute("href") || window.location.href
    );
    const placement = elt.getAttribute("data-failure") || (elt.getAttribute("data-hx-swap") === "beforeend" ? "end" : "start");
    if (placement === "replace") {
      target.replaceChildren(alert);
    } else if (placement === "end") {
      (elt.closest("nav") || target).after(alert);
    } else {
      target.prepend(alert);
    }
    if (elt.matches("form[data-follows-url]") && elt.getAttribute("data-failure") !== "replace") {
      followAddress(elt);
    }
  }

  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  document.addEventListener("htmx:historyRestore", followAddressEverywhere);
  window.addEventListener("pageshow", followAddressEverywhere);
})();

/*
 * Previews in place: citation markers and glossary terms. A marker ([1]) links to its
 * entry in the page's reference list, a term to its entry in the glossary; with htmx
 * either fetches a small dialog (the passage, or the explainer's definition) and inserts
 * it right after the link. This script makes that dialog behave:
 * - one preview at a time, whatever the network: a link shows that its preview is
 *   loading, a second press while it loads asks for nothing more, and pressing
 *   another link drops the first request (they share one hx-sync);
 * - the dialog takes focus when it opens, closes on Escape, on its Close button or on
 *   a second press of the link, and gives focus back to the link;
 * - when a preview cannot load, a marker does what it does without JavaScript: it goes
 *   to its entry in the reference list, which says why; a term says so in place,
 *   with its link to the glossary.
 */
(function () {
  "use strict";

  const TRIGGER = ".marker, .term";
  let openMarker = null;
  let pendingMarker = null;
  let lastAsked = null;

  function isTrigger(element) {
    return Boolean(element && element.matches && element.matches(TRIGGER));
  }

  function previewOf(marker) {
    const next = marker && marker.nextElementSibling;
    return next && next.matches("[data-preview]") ? next : null;
  }

  function settle(marker) {
    marker.removeAttribute("aria-busy");
    if (pendingMarker === marker) pendingMarker = null;
  }

  // Previews' requests are kept on the element they sync on (see htmx:load below).
  function cancelPending() {
    const marker = pendingMarker;
    if (!marker) return;
    settle(marker);
    lastAsked = null;
    htmx.trigger(document.getElementById("main"), "htmx:abort");
  }

  function close(returnFocus) {
    const marker = openMarker;
    for (const preview of document.querySelectorAll("[data-preview]")) preview.remove();
    if (!marker) return;
    marker.setAttribute("aria-expanded", "false");
    marker.removeAttribute("aria-controls");
    openMarker = null;
    if (returnFocus) marker.focus();
  }

  // Before htmx's own sync, which would otherwise drop the request still loading.
  document.addEventListener("htmx:confirm", function (event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker)) return;
    if (marker === pendingMarker) {
      event.preventDefault();  // still loading: the first request will open it
    } else if (marker === openMarker) {
      event.preventDefault();  // a second press closes the preview
      close(true);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker)) return;
    close(false);
    for (const alert of document.querySelectorAll("[data-failure-alert]")) alert.remove();
    pendingMarker = lastAsked = marker;
    marker.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker)) return;
    // Only the preview last asked for is shown, and only ever one.
    if (marker !== pendingMarker || event.detail.isError) {
      event.detail.shouldSwap = false;
      return;
    }
    for (const preview of document.querySelectorAll("[data-preview]")) preview.remove();
  });

  function fallBack(marker) {
    const entry = marker.matches(".marker") && document.getElementById(marker.hash.slice(1));
    if (entry) {
      const alert = document.createElement("p");
      alert.className = "inline-alert";
      alert.setAttribute("role", "alert");
      alert.setAttribute("data-failure-alert", "");
      alert.textContent = "The preview could not be loaded, so here is source " + marker.textContent.trim() + " in the list.";
      entry.prepend(alert);
      window.location.hash = marker.hash;  // as the link would without JavaScript
      entry.setAttribute("tabindex", "-1");
      entry.focus();
      return;
    }
    const note = document.createElement("span");
    note.className = "inline-alert";
    note.setAttribute("role", "alert");
    note.setAttribute("data-failure-alert", "");
    note.append("The definition could not be loaded. ");
    const link = document.createElement("a");
    link.href = marker.href;
    link.textContent = "Read it in the glossary";
    note.append(link);
    marker.after(note);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (isTrigger(event.detail.elt)) settle(event.detail.elt);
  });

  // A request dropped for a newer one is not a failure; these are.
  function failed(event) {
    const marker = event.detail.elt;
    if (!isTrigger(marker) || marker !== lastAsked) return;
    lastAsked = null;
    fallBack(marker);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

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
      // One request at a time for every preview on the page: a new one replaces any
      // still on its way.
      marker.setAttribute("data-hx-sync", "#main:replace");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(openMarker || pendingMarker)) return;
    const marker = openMarker || pendingMarker;
    const active = document.activeElement;
    const inside = active === marker || (previewOf(marker) || marker).contains(active);
    event.preventDefault();
    cancelPending();
    // Focus goes back to the marker only if the reader was still with the preview.
    close(inside);
  });

  document.addEventListener("click", function (event) {
    // htmx fetches the preview; the marker's own link (to the reference list) is the
    // fallback for readers without JavaScript, so it must not also jump the page.
    if (window.htmx && event.target.closest(TRIGGER)) event.preventDefault();
    if (event.target.closest("[data-preview-close]")) {
      close(true);
    } else if (!event.target.closest("[data-preview]") && !event.target.closest(TRIGGER)) {
      cancelPending();
      if (openMarker) close(false);
    }
  });

  // A page restored from htmx's history must not keep a stale preview.
  document.addEventListener("htmx:beforeHistorySave", function () {
    cancelPending();
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
