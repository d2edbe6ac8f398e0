/*
 * The room page, live: history and new messages over the WebSocket /ws/rooms/<slug>/, join and
 * leave notices, sending through the socket, and reconnecting with backoff whenever the server
 * goes away. Plain JavaScript, no build step. room.js (loaded first) draws the page: see the
 * seam described at its top. Without WebSocket support the page stays on HTTP.
 */
(() => {
  "use strict";

  const room = window.room;
  if (!room || !("WebSocket" in window)) return;
  room.live = true;

  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}/ws/rooms/${encodeURIComponent(room.slug)}/`;
  const postOverHttp = room.send;

  // Close codes from rooms/consumers.py that retrying cannot fix.
  const FINAL = {
    4401: "Log in to post in this room.", // e.g. the session ended while the page was open
    4404: "There is no room at this address.",
  };
  const RETRYING = {
    1008: "Too many messages were sent",
    1009: "That message was too large for the server",
    4503: "The chat service is unavailable",
  };
  const FIRST_DELAY = 500; // ms; doubles after each failed attempt...
  const MAX_DELAY = 15000; // ...up to this
  const REPLY_TIMEOUT = 10000; // ms to wait for a sent message to come back

  let socket = null;
  let attempt = 0;
  let pending = null; // the message sent and not yet confirmed: {text, resolve, reject, timer}
  // The server announces our own join to the room, us included: the first join after the
  // history is ours, and the status line does not report it as someone else's.
  let ownJoinPending = false;

  function connect() {
    room.setStatus("Connecting…", "busy");
    ownJoinPending = true;
    socket = new WebSocket(url);
    socket.addEventListener("open", () => room.setStatus("Live", "ok"));
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => closed(event.code));
  }

  function receive(frame) {
    switch (frame.type) {
      case "history":
        attempt = 0; // a working connection: the next outage starts the backoff afresh
        frame.messages.forEach(room.show);
        break;
      case "message":
        room.show(frame);
        if (pending && frame.text === pending.text) settle(null);
        break;
      case "join":
        if (ownJoinPending) {
          ownJoinPending = false;
          break;
        }
        room.setStatus(`Live · ${frame.author} joined`, "ok");
        break;
      case "leave":
        room.setStatus(`Live · ${frame.author} left`, "ok");
        break;
      case "error":
        if (pending) settle(new Error(frame.error));
        else room.setStatus(frame.error, "error");
        break;
    }
  }

  function closed(code) {
    socket = null;
    if (pending) {
      const lost = "The connection dropped: check whether your message arrived.";
      settle(new Error(code === 1009 ? "That message is too large to send." : lost));
    }
    if (code in FINAL) {
      room.setStatus(FINAL[code], "error");
      return;
    }
    const delay = Math.min(FIRST_DELAY * 2 ** attempt, MAX_DELAY) * (0.75 + Math.random() / 2);
    attempt += 1;
    const reason = RETRYING[code] || "Disconnected";
    room.setStatus(`${reason}; reconnecting in ${Math.ceil(delay / 1000)} s…`, "busy");
    setTimeout(connect, delay);
  }

  function settle(error) {
    const { resolve, reject, timer } = pending;
    clearTimeout(timer);
    pending = null;
    if (error) reject(error);
    else resolve();
  }

  // Over the socket while it is open (the broadcast back confirms it); over HTTP otherwise.
  room.send = (text) => {
    if (!socket || socket.readyState !== WebSocket.OPEN || pending) return postOverHttp(text);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error("The server did not answer.")), REPLY_TIMEOUT);
      pending = { text: text.trim(), resolve, reject, timer };
      socket.send(JSON.stringify({ text }));
    });
  };

  connect();
})();
