// "Add a position" without a round trip: clone the empty row template.
// Without this script the button posts the form back with one more row.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-add-row]");
    var template = document.getElementById("position-template");
    var rows = document.getElementById("position-rows");
    var total = document.querySelector("input[name$='-TOTAL_FORMS']");
    if (!button || !template || !rows || !total) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      row.dispatchEvent(new CustomEvent("positions:row-added", { bubbles: true }));
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
