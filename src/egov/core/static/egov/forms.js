/* The error summary (core/forms/_error_summary.html), as the GOV.UK Design System's:
 * focused when the page (or an htmx fragment) shows it, so that it is read out first; its
 * links move the focus to their field and scroll the field's label or legend into view.
 * Without JavaScript the links still jump to the fields. */
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]:not([data-focused])");
    if (!summary) return;
    summary.setAttribute("data-focused", "");
    summary.focus();
  }

  function labelOf(input) {
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend && input.type && (input.type === "radio" || input.type === "checkbox")) {
      return legend;
    }
    if (input.id) {
      var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
      if (label) return label;
    }
    return input.closest(".field") || input;
  }

  function onClick(event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var input = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!input) return;
    event.preventDefault();
    var details = input.closest("details");
    if (details) details.open = true;
    labelOf(input).scrollIntoView();
    input.focus({ preventScroll: true });
  }

  if (!window.egovErrorSummary) {
    window.egovErrorSummary = true;
    document.addEventListener("click", onClick);
    document.addEventListener("htmx:afterSettle", function (event) {
      focusSummary(event.target);
    });
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { focusSummary(); });
    } else {
      focusSummary();
    }
  }
})();
