/*
 * The room page over HTTP: loads the history from the API, posts through it, shows messages.
 * Plain JavaScript, no build step.
 *
 * Seam with live.js, which the page loads after this file when the project has Channels and
 * which takes over live updates. This file defines window.room before live.js runs:
 *
 *   room.slug                  the room's slug
 *   room.show(message)         shows one message ({id, room, author, text, created}) in id order;
 *                              a message already shown (same id) is ignored, so the API history,
 *                              the socket's history and broadcasts may overlap freely
 *   room.setStatus(text, state)  the status line; state ("ok", "busy", "error") styles it
 *   room.send(text)            stores a message, resolving when stored, rejecting with an Error
 *                              whose message is for the user; posts to the API by default, and
 *                              live.js may replace it (e.g. to send over the socket)
 *   room.live                  false here; live.js sets it to true as it loads, and from then
 *                              on owns the status line
 */
(() => {
  "use strict";

  const section = document.querySelector(".room");
  const list = section.querySelector(".messages");
  const status = section.querySelector(".status");
  // No composer for a visitor who may not post: the page then only reads.
  const form = section.querySelector(".composer");
  const textarea = form && form.querySelector("textarea");
  const formError = form && form.querySelector(".error");
  const messagesUrl = section.dataset.messagesUrl;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const shown = new Map(); // message id -> <li>

  function show(message) {
    if (shown.has(message.id)) return;
    const item = document.createElement("li");
    item.dataset.id = message.id;
    const author = document.createElement("strong");
    author.textContent = message.author;
    const time = document.createElement("time");
    time.dateTime = message.created;
    time.textContent = new Date(message.created).toLocaleTimeString();
    const text = document.createElement("p");
    text.textContent = message.text;
    item.append(author, " ", time, text);

    // Insert before the first message with a larger id: history may arrive after live ones.
    const later = [...shown.keys()].filter((id) => id > message.id).sort((a, b) => a - b)[0];
    list.insertBefore(item, later === undefined ? null : shown.get(later));
    shown.set(message.id, item);
    if (later === undefined) item.scrollIntoView({ block: "nearest" });
  }

  function setStatus(text, state = "ok") {
    status.textContent = text;
    status.dataset.state = state;
  }

  // The API's errors are {"errors": {field: [message, ...]}}: one line for the user.
  function errorText(body, fallback) {
    const messages = Object.values((body && body.errors) || {}).flat();
    return messages.length ? messages.join(" ") : fallback;
  }

  async function postMessage(text) {
    const response = await fetch(messagesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ text }),
      credentials: "same-origin",
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(errorText(body, `The server answered ${response.status}.`));
    show(body);
    return body;
  }

  async function loadHistory() {
    const response = await fetch(messagesUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`The server answered ${response.status}.`);
    const page = await response.json();
    page.results.forEach(show);
    return page;
  }

  const room = (window.room = {
    slug: section.dataset.slug,
    show,
    setStatus,
    send: postMessage,
    live: false,
  });

  async function submit() {
    const text = textarea.value.trim();
    if (!text) return;
    formError.hidden = true;
    textarea.disabled = true;
    try {
      await room.send(text);
      textarea.value = "";
    } catch (error) {
      formError.textContent = error.message;
      formError.hidden = false;
    } finally {
      textarea.disabled = false;
      textarea.focus();
    }
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
  }

  loadHistory().then(
    (page) => {
      if (room.live) return;
      const shownCount = page.results.length;
      setStatus(
        shownCount < page.count
          ? `Latest ${shownCount} of ${page.count} messages; reload the page for new ones.`
          : "Reload the page for new messages.",
      );
    },
    (error) => {
      if (!room.live) setStatus(`Could not load the messages: ${error.message}`, "error");
    },
  );
})();
