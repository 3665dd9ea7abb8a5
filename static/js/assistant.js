// The question box: ask without leaving the page. Without this file the form submits to the answer page.
(() => {
  const form = document.querySelector("[data-ask-form]");
  const log = document.querySelector("[data-ask-log]");
  if (!form || !log || !window.fetch) return;
  const input = form.querySelector("input[name=q]");
  const button = form.querySelector("button");

  const say = (text) => {
    const turn = document.createElement("p");
    turn.className = "ask-turn ask-turn--error";
    turn.setAttribute("role", "alert");
    turn.textContent = text;
    log.append(turn);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = new URL(form.action, window.location.href);
    url.searchParams.set("q", input.value);
    url.searchParams.set("partial", "1");
    button.disabled = true;
    log.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html", "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(String(response.status));
      const fragment = document.createRange().createContextualFragment(await response.text());
      const failed = fragment.querySelector("[data-ask-error]");
      log.append(fragment);
      if (!failed) input.value = "";
    } catch {
      say("回答を取得できませんでした。時間をおいてもう一度お試しください。");
    } finally {
      button.disabled = false;
      log.removeAttribute("aria-busy");
      input.focus();
    }
  });
})();
