// "Add a position" and "Duplicate" without a round trip: clone the empty row
// template. A new row takes the speaker and date of the row before it; a
// duplicate everything its original holds, except which saved position it is.
// Without this script both buttons post the form back with one more row.
(function () {
  "use strict";
  var CARRIED = ["speaker", "stated_on"];
  var NOT_COPIED = ["id", "version", "DELETE"];

  function fieldName(input) {
    return input.name.replace(/^positions-\d+-/, "");
  }

  function copyValues(from, to, only) {
    from.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (source) {
      var name = fieldName(source);
      if (NOT_COPIED.indexOf(name) !== -1 || (only && only.indexOf(name) === -1)) { return; }
      var target = to.querySelector("[name$='-" + name + "']");
      if (!target) { return; }
      if (source.type === "checkbox") { target.checked = source.checked; } else { target.value = source.value; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-add-row]");
    var template = document.getElementById("position-template");
    var rows = document.getElementById("position-rows");
    var total = document.querySelector("input[name$='-TOTAL_FORMS']");
    if (!button || !template || !rows || !total) { return; }

    function newRow() {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      row.dispatchEvent(new CustomEvent("positions:row-added", { bubbles: true }));
      return row;
    }

    function focusFirst(row) {
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      var previous = rows.querySelector("[data-position-row]:last-of-type");
      var row = newRow();
      if (previous) { copyValues(previous, row, CARRIED); }
      focusFirst(row);
    });

    rows.addEventListener("click", function (event) {
      var duplicate = event.target.closest("[data-duplicate-row]");
      if (!duplicate) { return; }
      event.preventDefault();
      var original = duplicate.closest("[data-position-row]");
      var row = newRow();
      copyValues(original, row, null);
      focusFirst(row);
    });
  });
})();
