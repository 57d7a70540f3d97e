// A chart point's date, stance, quote and source (and an event's whole
// title) shown beside it while it has keyboard focus. A screen reader reads
// them from the link's name; a sighted keyboard user would otherwise see a
// focus ring only, the mouse's tooltip being for hovering. Escape hides it.
// Without this script the link's name and the page it leads to say the same.
(function () {
  "use strict";
  var GAP = 6;
  var tip;

  function place(link) {
    var area = (link.querySelector(".hit") || link).getBoundingClientRect();
    var dot = (link.querySelector("circle") || link).getBoundingClientRect();
    var page = document.documentElement.clientWidth;
    var centre = dot.left + dot.width / 2;
    var left = Math.min(Math.max(GAP, centre - tip.offsetWidth / 2), page - tip.offsetWidth - GAP);
    // Below the focused target, or above it where the window ends first: it
    // never covers the focus ring.
    var top = area.bottom + GAP;
    if (top + tip.offsetHeight > window.innerHeight && area.top - GAP - tip.offsetHeight >= 0) {
      top = area.top - GAP - tip.offsetHeight;
    }
    tip.style.left = Math.max(GAP, left) + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(link) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      // What it says is the focused link's name already.
      tip.setAttribute("aria-hidden", "true");
      document.body.appendChild(tip);
    }
    tip.textContent = link.getAttribute("aria-label");
    tip.hidden = false;
    place(link);
  }

  function hide() {
    if (tip) { tip.hidden = true; }
  }

  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("svg.chart-svg a[aria-label]");
    if (link && link.matches(":focus-visible")) { show(link); } else { hide(); }
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
  });
})();
