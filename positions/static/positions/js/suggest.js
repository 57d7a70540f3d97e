// Suggestions for inputs that name an actor or a proposal (data-suggest="…").
// Without this script the inputs still work: the server resolves typed names.
(function () {
  "use strict";
  var sources = {
    actors: "/api/v1/actors/?page_size=8&search=",
    persons: "/api/v1/actors/?page_size=8&kind=person&search=",
    sides: "/api/v1/actors/?page_size=8&kind=state&kind=organization&kind=group&search=",
    proposals: "/api/v1/proposals/?page_size=8&search=",
    events: "/api/v1/events/?page_size=8&search="
  };
  var counter = 0;

  function label(item) {
    var name = item.name || item.title;
    return item.short_name ? name + " (" + item.short_name + ")" : name;
  }

  function attach(input) {
    var source = sources[input.dataset.suggest];
    if (!source || input.dataset.suggestReady) { return; }
    input.dataset.suggestReady = "1";
    var list = document.createElement("datalist");
    list.id = "suggest-" + (counter += 1);
    input.setAttribute("list", list.id);
    input.insertAdjacentElement("afterend", list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var term = input.value.trim();
      if (term.length < 2) { return; }
      timer = setTimeout(function () {
        fetch(source + encodeURIComponent(term), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (page) {
            list.replaceChildren.apply(list, page.results.map(function (item) {
              var option = document.createElement("option");
              option.value = item.slug;
              option.label = label(item);
              option.textContent = label(item);
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience only */ });
      }, 200);
    });
  }

  function attachAll(root) {
    root.querySelectorAll("[data-suggest]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("positions:row-added", function (event) { attachAll(event.target); });
})();
