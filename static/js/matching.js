// The company profile kept in this browser (localStorage "matching:profile", as a query string) for /match/
// and for the detail page's fit box, and the checklist items the profile answers. Without this file every
// page works from the URL alone (the profile is a GET form).
(function () {
  "use strict";
  var KEY = "matching:profile";
  var FIELDS = ["pref", "city", "biz", "form", "emp", "cap", "years", "purpose"];

  function load() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function save(query) {
    try {
      if (query) { window.localStorage.setItem(KEY, query); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage disabled: the URL still holds the profile */ }
  }
  function profileOf(search) {
    var params = new URLSearchParams(search);
    var kept = new URLSearchParams();
    params.forEach(function (value, name) {
      if (FIELDS.indexOf(name) >= 0 && value) { kept.append(name, value); }
    });
    return kept.toString();
  }

  // Tick the checklist items the fit box names (data-tick), as if the visitor had ticked them.
  function tick() {
    var box = document.querySelector("[data-tick]");
    if (!box) { return; }
    box.getAttribute("data-tick").split(" ").forEach(function (id) {
      var input = document.querySelector('#checklist input[name="done"][value="' + id + '"]');
      if (input && !input.checked && !input.disabled) {
        input.checked = true;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  var form = document.querySelector("[data-profile-form]");
  if (form) {
    var current = profileOf(window.location.search);
    var clear = form.querySelector("[data-profile-clear]");
    if (current) {
      save(current);
    } else if (load()) {
      window.location.replace(form.getAttribute("action") + "?" + load());
      return;
    }
    if (clear && load()) {
      clear.hidden = false;
      clear.addEventListener("click", function () {
        save("");
        window.location.assign(form.getAttribute("action"));
      });
    }
  }

  var slot = document.querySelector("[data-match-verdict]");
  if (slot && load()) {
    window.fetch(slot.getAttribute("data-match-verdict") + "?" + load(), { headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html.trim()) { return; }
        slot.innerHTML = html;
        slot.hidden = false;
        tick();
      })
      .catch(function () { /* no box: the page is complete without it */ });
  } else {
    tick();
  }
})();
