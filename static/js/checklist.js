// The pre-application checklist, enhanced: live progress and verdict (which names the items left
// unticked), ticks kept per listing in localStorage, a reset button and a print button. Without this file
// the form still works (GET, evaluated on the server); the rules here mirror checklists/items.py `evaluate`.
(function () {
  "use strict";

  function load(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "null");
      return Array.isArray(value) ? value : null;
    } catch (error) {
      return null;
    }
  }

  function save(key, ids) {
    try {
      window.localStorage.setItem(key, JSON.stringify(ids));
    } catch (error) {
      // Storage may be full or disabled (private mode): the checklist still works for this visit.
    }
  }

  function forget(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // As above.
    }
  }

  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function enhance(section) {
    // The script may be linked twice (the section and its page): enhance each checklist once.
    if (section.hasAttribute("data-enhanced")) {
      return;
    }
    section.setAttribute("data-enhanced", "");
    var key = section.getAttribute("data-storage-key");
    var boxes = Array.prototype.slice.call(section.querySelectorAll("input[type=checkbox][name=done]"));
    var required = boxes.filter(function (box) { return box.hasAttribute("data-required"); });
    var pending = section.querySelector("[data-verdict=pending]");
    var ready = section.querySelector("[data-verdict=ready]");
    var optional = section.querySelector("[data-verdict=optional]");
    // The verdict lists every item once (data-left="<id>"); an item's entry is hidden while it is ticked.
    var left = Array.prototype.slice.call(section.querySelectorAll("[data-left]"));
    var bar = section.querySelector("[data-bar]");

    function ticked() {
      return boxes.filter(function (box) { return box.checked && !box.disabled; })
        .map(function (box) { return box.value; });
    }

    function update() {
      var done = required.filter(function (box) { return box.checked && !box.disabled; }).length;
      var total = required.length;
      var percent = total ? Math.floor((done * 100) / total) : 100;
      setText(section.querySelector("[data-done]"), String(done));
      setText(section.querySelector("[data-total]"), String(total));
      setText(section.querySelector("[data-percent]"), String(percent));
      if (bar) {
        bar.value = percent;
        bar.textContent = percent + "%";
      }
      if (pending && ready) {
        var isReady = done === total;
        pending.hidden = isReady;
        ready.hidden = !isReady;
      }
      var checked = ticked();
      left.forEach(function (entry) {
        entry.hidden = checked.indexOf(entry.getAttribute("data-left")) !== -1;
      });
      setText(section.querySelector("[data-left-count]"), String(total - done));
      if (optional) {
        optional.hidden = !optional.querySelector("[data-left]:not([hidden])");
      }
    }

    // A submitted form (the URL carries the ticks) wins over what this browser remembered.
    if (section.hasAttribute("data-submitted")) {
      save(key, ticked());
    } else {
      var remembered = load(key);
      if (remembered) {
        boxes.forEach(function (box) {
          if (!box.disabled) {
            box.checked = remembered.indexOf(box.value) !== -1;
          }
        });
      }
    }
    update();

    // On a submitted page the URL is the shareable state: keep it in step with the boxes.
    var form = section.querySelector("form");
    function syncUrl() {
      if (!section.hasAttribute("data-submitted") || !form || !window.history.replaceState) {
        return;
      }
      if (new URL(form.action, window.location.href).pathname !== window.location.pathname) {
        return;
      }
      var query = new URLSearchParams(new FormData(form)).toString();
      window.history.replaceState(null, "", window.location.pathname + "?" + query + window.location.hash);
    }

    section.addEventListener("change", function (event) {
      if (event.target && event.target.name === "done") {
        save(key, ticked());
        update();
        syncUrl();
      }
    });

    var reset = section.querySelector("[data-reset]");
    if (reset) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = false; });
        forget(key);
        update();
        syncUrl();
        if (boxes.length && !boxes[0].disabled) {
          boxes[0].focus();
        }
      });
    }

    var print = section.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-checklist]"), enhance);
})();
