/*
 * Editors' admin: the quote picker fills a citation's passage with the sentence an
 * editor picks from its source, exactly as the source prints it.
 */
(function () {
  "use strict";
  // Enter in the picker's search box searches; it must not save the citation.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-quote-picker]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-fill-passage]");
    if (!button) return;
    const picker = button.closest(".quote-picker");
    const input = picker && picker.querySelector("[data-quote-picker]");
    const passage = input && document.getElementById(input.dataset.quotePicker);
    if (!passage) return;
    passage.value = button.textContent.trim();
    passage.dispatchEvent(new Event("input", { bubbles: true }));
    passage.focus();
  });
})();
