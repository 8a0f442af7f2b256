// The live room's WebSocket, shared by the shopper's room, the host console and the video layer.
// LapakLive.connect(element) opens /ws/live/<id>/ (from data-ws-url), reconnects with backoff,
// resumes the chat from the last message id it saw, and hands each JSON event to the handlers
// registered with on(type, fn) ("*" hears every event). The page's socket is LapakLive.current.
// LapakLive.post(form, done, words) sends one of the room's or the console's forms with fetch.
(function () {
  "use strict";

  var CLOSE_BANNED = 4003;
  // The backoff starts again from 1 s only after a socket has stayed open this long: a server
  // that accepts and then drops every socket (restarting, overloaded) is retried ever more slowly.
  var STABLE_MS = 10000;

  function connect(element) {
    var handlers = {};
    var socket = null;
    var attempt = 0;
    var stableTimer = null;
    var stopped = false;
    var lastId = parseInt(element.dataset.lastId, 10) || 0;

    function emit(type, event) {
      (handlers[type] || []).concat(handlers["*"] || []).forEach(function (fn) { fn(event); });
    }

    function url() {
      var base = element.dataset.wsUrl;
      if (base.indexOf("ws") !== 0) {
        base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + base;
      }
      return base + "?last_id=" + lastId;
    }

    function open() {
      socket = new WebSocket(url());
      socket.addEventListener("open", function () {
        stableTimer = setTimeout(function () { attempt = 0; }, STABLE_MS);
        emit("open", {});
      });
      socket.addEventListener("message", function (frame) {
        var event;
        try { event = JSON.parse(frame.data); } catch (e) { return; }
        if (event.type === "chat" && event.message.id > lastId) lastId = event.message.id;
        if (event.type === "history") {
          event.messages.forEach(function (m) { if (!m.held_reason && m.id > lastId) lastId = m.id; });
        }
        emit(event.type, event);
      });
      socket.addEventListener("close", function (closing) {
        clearTimeout(stableTimer);
        if (closing.code === CLOSE_BANNED) stopped = true;
        emit("close", { code: closing.code, final: stopped });
        if (stopped) return;
        // Exponential backoff with jitter, capped at 30 s; the server sends history and state again.
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
        attempt += 1;
        setTimeout(open, delay);
      });
    }

    var live = {
      on: function (type, fn) { (handlers[type] = handlers[type] || []).push(fn); return live; },
      send: function (event) {
        if (!socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(JSON.stringify(event));
        return true;
      },
      isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; },
      start: function () { if (!socket) open(); return live; },
    };
    window.LapakLive.current = live;
    document.dispatchEvent(new CustomEvent("lapak:live-socket", { detail: live }));
    return live;
  }

  function csrfToken(form) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Posts the form and hands its JSON answer ({ok, message, error, ...}) to `done`; `words`
  // are the page's translated {failed, network} errors.
  function post(form, done, words) {
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
    })
      .then(
        function (response) {
          // A 403 (stale CSRF token) or a 404 answers with a page, not JSON.
          return response.json().catch(function () { return { ok: false, error: words.failed }; });
        },
        function () { return { ok: false, error: words.network }; }
      )
      .then(function (data) {
        if (button) button.disabled = false;
        done(data || { ok: false, error: words.failed });
      });
  }

  window.LapakLive = { connect: connect, post: post, current: null };
})();
