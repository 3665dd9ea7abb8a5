// The comparison tray: 「比較に追加」 buttons keep the user's pick (up to 4) in localStorage and a tray
// shows it without a reload. On /compare/ the page renders the tray from its columns (its 「外す」 links remove a
// column) and the pick follows the page; 「違いだけ表示」 hides rows without a reload, and 「印刷する」 prints.
// Without this file every control is a plain link.
(function () {
  "use strict";
  var KEY = "hojo:compare";
  var MAX = 4;

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (item) { return item && /^\d+$/.test(String(item.id)); }).slice(0, MAX) : [];
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (error) {
      /* Private mode: the tray still works for this page. */
    }
  }

  function compareBase() {
    var source = document.querySelector("[data-compare-url]");
    return source ? source.getAttribute("data-compare-url") : "/compare/";
  }

  function compareHref(items) {
    return compareBase() + "?ids=" + items.map(function (item) { return item.id; }).join(",");
  }

  var items = load();
  var message = "";
  var tray, live;

  function announce(text) {
    if (live) { live.textContent = text; }
  }

  function buildTray() {
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
    tray = document.querySelector("aside.compare-tray[data-compare-tray]");
    if (tray) { return; }
    tray = document.createElement("aside");
    tray.className = "compare-tray";
    tray.setAttribute("aria-labelledby", "compare-tray-heading");
    tray.hidden = true;
    document.body.appendChild(tray);
  }

  var onComparePage = false;
  var trayOpen = false;

  function render() {
    if (onComparePage) {
      // The page's own tray lists its columns; only its open state follows the other pages.
      var own = tray.querySelector("details");
      if (own) { own.open = trayOpen; }
      syncButtons();
      return;
    }
    tray.textContent = "";
    tray.hidden = items.length === 0;
    var details = document.createElement("details");
    details.className = "compare-tray__details";
    details.open = trayOpen || Boolean(message);
    details.addEventListener("toggle", function () { trayOpen = details.open; });
    var summary = document.createElement("summary");
    var heading = document.createElement("h2");
    heading.id = "compare-tray-heading";
    heading.textContent = "比較リスト（" + items.length + "/" + MAX + "件）";
    summary.appendChild(heading);
    details.appendChild(summary);
    var list = document.createElement("ol");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var title = document.createElement("span");
      title.textContent = item.title;
      title.title = item.title;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button--secondary compare-tray__remove";
      remove.setAttribute("data-tray-remove", item.id);
      remove.setAttribute("aria-label", "比較リストから外す: " + item.title);
      remove.textContent = "外す";
      li.appendChild(title);
      li.appendChild(remove);
      list.appendChild(li);
    });
    details.appendChild(list);
    if (message) {
      var note = document.createElement("p");
      note.className = "compare-tray__message";
      note.textContent = message;
      details.appendChild(note);
    }
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button button--secondary compare-tray__clear";
    clear.setAttribute("data-tray-clear", "");
    clear.textContent = "すべて外す";
    details.appendChild(clear);
    tray.appendChild(details);
    var open = document.createElement("a");
    open.className = "button compare-tray__open";
    open.href = compareHref(items);
    open.textContent = "比較する";
    tray.appendChild(open);
    syncButtons();
  }

  function has(id) {
    return items.some(function (item) { return String(item.id) === String(id); });
  }

  function syncButtons() {
    document.querySelectorAll("a.compare-button[data-compare-id]").forEach(function (button) {
      var picked = has(button.getAttribute("data-compare-id"));
      button.setAttribute("role", "button");
      // The name stays 「比較に追加」; the pressed state (and a ✓ drawn by CSS) says it is in the tray.
      button.setAttribute("aria-pressed", picked ? "true" : "false");
    });
  }

  function toggle(id, title) {
    var focusInTray = tray.contains(document.activeElement);
    message = "";
    if (has(id)) {
      items = items.filter(function (item) { return String(item.id) !== String(id); });
      announce("比較リストから外しました: " + title);
    } else if (items.length >= MAX) {
      message = "比較できるのは" + MAX + "件までです。どれかを外してから追加してください。";
      announce(message);
    } else {
      items.push({ id: String(id), title: title });
      announce("比較リストに追加しました（" + items.length + "件）: " + title);
    }
    save(items);
    render();
    if (focusInTray) {
      // The button that had focus was re-drawn: keep the keyboard user in the tray.
      var summary = tray.querySelector("summary");
      if (summary && !tray.hidden) { summary.focus(); }
    }
  }

  // On /compare/ the listings on the page are the pick (a shared link or a removed column updates the tray).
  function followComparePage() {
    var table = document.querySelector(".compare-page [data-compare-ids]");
    if (!table || !tray.hasAttribute("data-compare-tray")) { return; }
    var picked = [];
    table.querySelectorAll("[data-compare-column]").forEach(function (head) {
      picked.push({ id: head.getAttribute("data-compare-column"), title: head.getAttribute("data-compare-title") });
    });
    onComparePage = true;
    items = picked.slice(0, MAX);
    save(items);
  }

  function setDiff(toggleLink, on) {
    document.querySelectorAll(".compare-page tr[data-same]").forEach(function (row) { row.hidden = on; });
    toggleLink.setAttribute("data-diff-on", on ? "1" : "0");
    toggleLink.setAttribute("aria-pressed", on ? "true" : "false");
    var url = new URL(window.location.href);
    if (on) { url.searchParams.set("diff", "1"); } else { url.searchParams.delete("diff"); }
    window.history.replaceState(null, "", url.pathname + url.search.replace(/%2C/gi, ","));
  }

  function enhanceComparePage() {
    var toggleLink = document.querySelector("[data-diff-toggle]");
    if (toggleLink) {
      toggleLink.setAttribute("role", "button");
      toggleLink.textContent = "違いだけ表示";
      toggleLink.setAttribute("aria-pressed", toggleLink.getAttribute("data-diff-on") === "1" ? "true" : "false");
      toggleLink.addEventListener("click", function (event) {
        event.preventDefault();
        setDiff(toggleLink, toggleLink.getAttribute("data-diff-on") !== "1");
      });
      toggleLink.addEventListener("keydown", function (event) {
        if (event.key === " ") { event.preventDefault(); toggleLink.click(); }
      });
    }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("a.compare-button[data-compare-id]");
    if (button) {
      event.preventDefault();
      toggle(button.getAttribute("data-compare-id"), button.getAttribute("data-compare-title"));
      return;
    }
    var remove = event.target.closest("[data-tray-remove]");
    if (remove) {
      var item = items.filter(function (entry) { return String(entry.id) === remove.getAttribute("data-tray-remove"); })[0];
      toggle(remove.getAttribute("data-tray-remove"), item ? item.title : "");
      return;
    }
    var clear = event.target.closest("[data-tray-clear]");
    if (clear) {
      items = [];
      message = "";
      save(items);
      // On /compare/ it is a link: the empty comparison it opens says the list is empty.
      if (clear.tagName === "A") { return; }
      announce("比較リストを空にしました。");
      render();
    }
  });

  document.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest("a.compare-button[data-compare-id]");
    if (button && event.key === " ") {
      event.preventDefault();
      button.click();
    }
  });

  window.addEventListener("storage", function (event) {
    // The compare page's tray lists the page's columns, whatever another tab picks meanwhile.
    if (event.key === KEY && !onComparePage) {
      items = load();
      render();
    }
  });

  buildTray();
  trayOpen = window.matchMedia("(min-width: 60rem)").matches;
  followComparePage();
  enhanceComparePage();
  render();
})();
