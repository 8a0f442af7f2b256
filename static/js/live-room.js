// The live room's chat over its WebSocket (live/consumers.py). Plain JS, no inline script (CSP).
// Every chat line is set with textContent: it is text, never HTML.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-chat]");
  if (!root) return;

  var list = root.querySelector("[data-live-chat-list]");
  var errorBox = root.querySelector("[data-live-error]");
  var viewersEl = root.querySelector("[data-live-viewers]");
  var likesEl = root.querySelector("[data-live-likes]");
  var form = root.querySelector("[data-live-chat-form]");
  var likeButton = root.querySelector("[data-live-like]");
  var lastId = parseInt(root.dataset.lastId, 10) || 0;
  var socket = null;
  var attempt = 0;
  var stopped = false;
  var MAX_LINES = 200;
  var CLOSE_BANNED = 4003;

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function addMessage(message, extraClass) {
    if (list.querySelector('[data-message-id="' + message.id + '"]')) return;
    var item = document.createElement("li");
    item.dataset.messageId = String(message.id);
    if (message.question) item.classList.add("is-question");
    if (message.answered) item.classList.add("is-answered");
    if (extraClass) item.classList.add(extraClass);
    var name = document.createElement("b");
    name.textContent = message.name;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" " + message.text));
    list.appendChild(item);
    while (list.children.length > MAX_LINES) list.removeChild(list.firstElementChild);
    if (!extraClass && message.id > lastId) lastId = message.id;
    list.scrollTop = list.scrollHeight;
  }

  function addNotice(text) {
    var item = document.createElement("li");
    item.className = "is-notice";
    item.textContent = text;
    list.appendChild(item);
  }

  var handlers = {
    history: function (event) {
      if (!event.complete) addNotice("…");
      event.messages.forEach(function (m) { addMessage(m, m.held_reason ? "is-held" : ""); });
    },
    chat: function (event) { addMessage(event.message); },
    held: function (event) { addMessage(event.message, "is-held"); },
    removed: function (event) {
      var item = list.querySelector('[data-message-id="' + event.id + '"]');
      if (item) item.remove();
    },
    answered: function (event) {
      var item = list.querySelector('[data-message-id="' + event.id + '"]');
      if (item) item.classList.add("is-answered");
    },
    highlight: function (event) {
      list.querySelectorAll(".is-highlighted").forEach(function (el) { el.classList.remove("is-highlighted"); });
      var item = list.querySelector('[data-message-id="' + event.message.id + '"]');
      if (item) item.classList.add("is-highlighted");
    },
    greeting: function (event) { addNotice("👋 " + event.name); },
    stats: function (event) {
      viewersEl.textContent = String(event.viewers);
      likesEl.textContent = String(event.likes);
    },
    slow_mode: function () {},
    notice: function (event) { showError(event.message); },
    moderated: function () {},
    error: function (event) { showError(event.message); },
  };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath + "?last_id=" + lastId);
    socket.addEventListener("open", function () { attempt = 0; showError(""); });
    socket.addEventListener("message", function (frame) {
      var event;
      try { event = JSON.parse(frame.data); } catch (e) { return; }
      var handle = handlers[event.type];
      if (handle) handle(event);
    });
    socket.addEventListener("close", function (closing) {
      if (closing.code === CLOSE_BANNED) { stopped = true; if (form) form.hidden = true; }
      if (stopped) return;
      // Exponential backoff with jitter, capped at 30 s; catch-up resumes from lastId.
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  function send(event) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(event));
  }

  if (form) {
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var text = form.elements.text.value.trim();
      if (!text) return;
      send({ type: "chat", text: text, question: form.elements.question.checked });
      form.elements.text.value = "";
      form.elements.question.checked = false;
    });
  }
  if (likeButton) likeButton.addEventListener("click", function () { send({ type: "like" }); });

  list.scrollTop = list.scrollHeight;
  connect();
})();
