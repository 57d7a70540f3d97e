// After a failed save: move focus to the error summary, so that the page
// says at once that nothing was saved and why; each link in it then takes
// focus to the field (or the row) it names, its label in view.
(function () {
  "use strict";

  function control(target) {
    if (target.matches("input, select, textarea")) { return target; }
    return target.querySelector("input:not([type=hidden]), select, textarea") || target;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var input = control(target);
      var label = input.id && document.querySelector("label[for='" + input.id + "']");
      (label || target).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });
})();
