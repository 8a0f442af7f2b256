// The host console (templates/live/console.html): the room's socket (static/js/live-socket.js)
// for chat, moderation and live numbers; the page's forms sent with fetch for go live, end,
// pin and flash deals (each form also works on its own, without this script). In moderation
// mode (data-mode="moderate": the shop's chat moderators, platform staff) the page has only the
// chat and the numbers, and every step below skips what is not there.
// Plain JS, no inline script (CSP). Whatever a user wrote is set with textContent, never as HTML.
(function () {
  "use strict";

  var root = document.querySelector("[data-console]");
  if (!root || !window.LapakLive) return;

  var MAX_LINES = 200;
  var MAX_ORDERS = 100;

  function $(selector, scope) { return (scope || root).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || root).querySelectorAll(selector)); }

  // Translated words come from a <template> in the page: the script carries no copy of its own.
  var strings = {};
  var stringsTemplate = $("[data-console-strings]");
  if (stringsTemplate) {
    $all("[data-key]", stringsTemplate.content).forEach(function (el) { strings[el.dataset.key] = el.textContent.trim(); });
  }
  function t(key) { return strings[key] || ""; }

  // What this console's user may do, and to whom not, as the server's policy (live/policy.py)
  // says: the actions they may use, whom they may not mute or ban (the shop's owner and hosts,
  // oneself, and for a moderator the other moderators), whose messages they may not delete. The
  // server refuses the rest anyway; this script decides nothing about roles.
  function words(value) {
    var set = {};
    (value || "").split(/\s+/).forEach(function (word) { if (word) set[word] = true; });
    return set;
  }
  var allowed = words(root.dataset.actions);
  var protectedIds = words(root.dataset.protectedIds);
  var undeletableIds = words(root.dataset.undeletableIds);
  var status = root.dataset.status;
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "id");

  var notice = $("[data-console-notice]");
  var chatStatus = $("[data-console-chat-status]");
  var badge = $("[data-console-status]");
  var connection = $("[data-console-connection]");

  var SAY_SECONDS = 6;

  // Confirmations fade after a few seconds; a refusal stays until the next thing is said.
  function say(element, text, isError) {
    if (!element) return;
    clearTimeout(element.consoleTimer);
    element.textContent = text || "";
    element.hidden = !text;
    element.classList.toggle("is-error", !!isError);
    if (text && !isError) {
      element.consoleTimer = setTimeout(function () { say(element, ""); }, SAY_SECONDS * 1000);
    }
  }

  // Refusals from the socket belong next to the chat once it shows; before that, in the header.
  function sayInRoom(text, isError) {
    say(status === "live" ? chatStatus : notice, text, isError);
  }

  // --- Session status -------------------------------------------------------------------------

  function applyStatus(next) {
    if (!next || next === status) return;
    status = next;
    root.dataset.status = next;
    if (badge) {
      var label = badge.dataset["label" + next.charAt(0).toUpperCase() + next.slice(1)];
      if (label) badge.textContent = label;
      badge.className = "console-badge is-" + next;
    }
    if (next === "live") {
      var goLive = $("[data-console-go-live-form]");
      var endBox = $("[data-console-end-box]");
      if (goLive) goLive.hidden = true;
      if (endBox) endBox.hidden = false;
      $all("[data-console-live-panel]").forEach(function (panel) { panel.hidden = false; });
      var before = $("[data-console-before]");
      if (before) before.hidden = true;
    } else if (next === "ended" || next === "cancelled") {
      // The summary is the server's to render (numbers from the session row): read it afresh.
      say(notice, t("ended"));
      window.location.reload();
    }
  }

  // --- Forms through fetch ----------------------------------------------------------------------

  function post(form, done) {
    window.LapakLive.post(form, done, { failed: t("failed"), network: t("network") });
  }

  var formHandlers = {
    start: function (data) {
      if (!data.ok) return say(notice, data.error, true);
      say(notice, data.message);
      applyStatus(data.status || "live");
    },
    end: function (data) {
      if (!data.ok) return say(notice, data.error, true);
      say(notice, data.message);
      applyStatus(data.status || "ended");
    },
    pin: function (data) {
      if (!data.ok) return say(notice, data.error, true);
      say(notice, data.message);
      var item = data.product ? $('[data-console-product="' + data.product + '"]') : null;
      markPinned(data.product, item ? $("[data-console-product-title]", item).textContent : null);
    },
    deal: function (data, form) {
      var error = $("[data-console-deal-error]");
      if (!data.ok) return say(error, data.error, true);
      say(error, "");
      form.elements.price.value = "";
      if (data.deal) showDeal(data.deal);
    },
    "deal-stop": function (data) {
      if (!data.ok) return say(notice, data.error, true);
      say(notice, data.message);
      clearDeal();
    },
  };

  root.addEventListener("submit", function (submitted) {
    var form = submitted.target;
    var handler = formHandlers[form.dataset.consoleForm];
    if (!handler || !window.fetch) return; // the plain form post does the job
    submitted.preventDefault();
    post(form, function (data) { handler(data, form); });
  });

  // --- Numbers --------------------------------------------------------------------------------

  function setStat(name, value) {
    var element = $('[data-console-stat="' + name + '"]');
    if (!element || value === undefined || value === null) return;
    var text = typeof value === "number" ? numberFormat.format(value) : value;
    // Rewriting an unchanged number would make screen readers repeat it on every tick.
    if (element.textContent !== text) element.textContent = text;
  }

  // --- Chat and moderation ----------------------------------------------------------------------

  var chatPanel = $("[data-console-chat]");
  var chatList = $("[data-console-chat-list]");
  var heldList = $("[data-console-held]");
  var heldBox = $("[data-console-held-box]");
  var chatEmpty = $("[data-console-chat-empty]");
  var messageTemplate = $("[data-console-message-template]");
  var slowMode = $("[data-console-slow-mode]");

  function findMessage(id) { return $('[data-console-message="' + Number(id) + '"]'); }
  function field(item, name) { return $('[data-console-field="' + name + '"]', item); }
  function action(item, name) { return $('[data-console-action="' + name + '"]', item); }

  function refreshLists() {
    heldBox.hidden = !heldList.children.length;
    chatEmpty.hidden = !!chatList.querySelector("[data-console-message]");
  }

  function setAnswered(item, answered) {
    item.classList.toggle("is-answered", answered);
    $('[data-console-tag="answered"]', item).hidden = !answered;
    action(item, "answer").hidden = !allowed.answer || answered || !item.classList.contains("is-question") || item.classList.contains("is-held");
  }

  function buildMessage(message) {
    var item = messageTemplate.content.firstElementChild.cloneNode(true);
    var held = !!message.held_reason;
    item.dataset.consoleMessage = String(message.id);
    item.dataset.userId = message.user_id === null || message.user_id === undefined ? "" : String(message.user_id);
    field(item, "name").textContent = message.name;
    field(item, "text").textContent = message.text;
    item.classList.toggle("is-question", !!message.question);
    item.classList.toggle("is-held", held);
    $('[data-console-tag="question"]', item).hidden = !message.question;
    if (held) {
      var reason = field(item, "reason");
      reason.textContent = t(message.held_reason) || t("held");
      reason.hidden = false;
    }
    action(item, "release").hidden = !allowed.release || !held;
    action(item, "highlight").hidden = !allowed.highlight || held || !message.question;
    setAnswered(item, !!message.answered);
    // Offer nothing the server would refuse. A message whose author's account is gone has nobody
    // to mute, and may be deleted.
    var author = item.dataset.userId;
    var unmutable = !author || protectedIds[author] === true;
    action(item, "mute").hidden = !allowed.mute || unmutable;
    action(item, "ban").hidden = !allowed.ban || unmutable;
    action(item, "delete").hidden = !allowed.delete || undeletableIds[author] === true;
    return item;
  }

  function addNotice(text) {
    var item = document.createElement("li");
    item.className = "console-message is-notice";
    item.textContent = text;
    chatList.appendChild(item);
  }

  function addMessage(message) {
    var existing = findMessage(message.id);
    if (existing) {
      // A held message that a moderator released comes back as an ordinary chat line.
      if (message.held_reason || !existing.classList.contains("is-held")) return;
      existing.remove();
    }
    var item = buildMessage(message);
    if (message.held_reason) {
      heldList.appendChild(item);
    } else {
      var atBottom = chatList.scrollHeight - chatList.scrollTop - chatList.clientHeight < 40;
      chatList.appendChild(item);
      while (chatList.children.length > MAX_LINES) chatList.removeChild(chatList.firstElementChild);
      // Follow the chat unless the host scrolled up to read something.
      if (atBottom) chatList.scrollTop = chatList.scrollHeight;
    }
    refreshLists();
  }

  function send(event) {
    if (live.send(event)) return true;
    sayInRoom(t("not_connected"), true);
    return false;
  }

  function closeChoices(item) {
    $("[data-console-mute-choices]", item).hidden = true;
    $("[data-console-ban-confirm]", item).hidden = true;
    action(item, "mute").setAttribute("aria-expanded", "false");
  }

  if (chatPanel) {
    chatPanel.addEventListener("click", function (clicked) {
      var button = clicked.target.closest("[data-console-action], [data-console-mute-minutes]");
      var item = button && button.closest("[data-console-message]");
      if (!item) return;
      var messageId = Number(item.dataset.consoleMessage);
      var authorId = Number(item.dataset.userId);
      if (button.dataset.consoleMuteMinutes) {
        send({ type: "mute", user_id: authorId, minutes: Number(button.dataset.consoleMuteMinutes) });
        closeChoices(item);
        return;
      }
      switch (button.dataset.consoleAction) {
        case "delete":
        case "release":
        case "answer":
        case "highlight":
          send({ type: button.dataset.consoleAction, message_id: messageId });
          break;
        case "mute":
          var choices = $("[data-console-mute-choices]", item);
          var opening = choices.hidden;
          closeChoices(item);
          choices.hidden = !opening;
          button.setAttribute("aria-expanded", String(opening));
          break;
        case "ban":
          closeChoices(item);
          $("[data-console-ban-confirm]", item).hidden = false;
          break;
        case "ban-confirm":
          send({ type: "ban", user_id: authorId });
          closeChoices(item);
          break;
        case "ban-cancel":
          closeChoices(item);
          break;
      }
    });
  }

  var chatForm = $("[data-console-chat-form]");
  if (chatForm) {
    chatForm.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var text = chatForm.elements.text.value.trim();
      if (!text) return;
      if (send({ type: "chat", text: text })) chatForm.elements.text.value = "";
    });
  }

  function showSlowMode(seconds) {
    if (!slowMode) return;
    var value = String(seconds);
    if (!$all("option", slowMode).some(function (option) { return option.value === value; })) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value + " s";
      slowMode.appendChild(option);
    }
    slowMode.value = value;
  }

  if (slowMode && !allowed.slow_mode) slowMode.disabled = true;
  if (slowMode && allowed.slow_mode) {
    slowMode.addEventListener("change", function () {
      send({ type: "slow_mode", seconds: Number(slowMode.value) });
    });
  }

  // --- Products -------------------------------------------------------------------------------

  function markPinned(productId, title) {
    var pinned = productId === null || productId === undefined ? "" : String(productId);
    $all("[data-console-product]").forEach(function (item) {
      var isPinned = item.dataset.consoleProduct === pinned;
      item.classList.toggle("is-pinned", isPinned);
      if (isPinned) item.dataset.pinned = "true";
      else delete item.dataset.pinned;
      $("[data-console-pinned-badge]", item).hidden = !isPinned;
      $("[data-console-pin-form]", item).hidden = isPinned;
    });
    var now = $("[data-console-pinned-now]");
    if (now) {
      now.hidden = !pinned;
      $("[data-console-pinned-title]", now).textContent = pinned ? title || "" : "";
    }
    var unpin = $("[data-console-unpin-form]");
    if (unpin) unpin.hidden = !pinned;
  }

  // --- Flash deal -----------------------------------------------------------------------------

  var dealForm = $("[data-console-deal-form]");
  var dealBox = $("[data-console-deal]");
  var dealStopForm = $("[data-console-deal-stop-form]");
  var deal = null;
  var dealDeadline = 0;
  var dealTimer = null;

  function showCountdown() {
    var left = Math.max(0, Math.round((dealDeadline - Date.now()) / 1000));
    var countdown = $("[data-console-deal-countdown]");
    if (left > 0) {
      countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    } else {
      // The server ends it (deal_ended follows); until then say so rather than show 0:00 forever.
      countdown.textContent = dealBox.dataset.labelTimeUp;
    }
  }

  function showUnitsLeft(unitsLeft) {
    var text = numberFormat.format(unitsLeft) + " / " + numberFormat.format(deal.units);
    var element = $("[data-console-deal-units-left]");
    if (element.textContent !== text) element.textContent = text;
  }

  function showDeal(next) {
    if (!dealBox || !next) return;
    deal = next;
    $("[data-console-deal-title]").textContent = next.title;
    $("[data-console-deal-price]").textContent = next.price_display;
    $("[data-console-deal-normal-price]").textContent = next.normal_price_display;
    showUnitsLeft(next.units_left);
    // The stop URL is rendered for deal 0; put this deal's id in its place.
    var url = dealBox.dataset.stopUrl;
    var at = url.lastIndexOf("/0/");
    dealStopForm.action = url.slice(0, at) + "/" + next.id + "/" + url.slice(at + 3);
    dealBox.dataset.dealId = String(next.id);
    // From the seconds left, not ends_at: the host's clock may be wrong.
    dealDeadline = Date.now() + next.seconds_left * 1000;
    showCountdown();
    clearInterval(dealTimer);
    dealTimer = setInterval(showCountdown, 500);
    dealBox.hidden = false;
    if (dealForm) dealForm.hidden = true;
  }

  function clearDeal() {
    deal = null;
    clearInterval(dealTimer);
    if (!dealBox) return;
    dealBox.hidden = true;
    delete dealBox.dataset.dealId;
    if (dealForm) dealForm.hidden = false;
  }

  if (dealForm) {
    var productSelect = $("[data-console-deal-product]", dealForm);
    var variantSelect = $("[data-console-deal-variant]", dealForm);
    var filterVariants = function () {
      $all("option", variantSelect).forEach(function (option) {
        if (!option.value) return;
        var mine = option.dataset.product === productSelect.value;
        option.hidden = !mine;
        option.disabled = !mine;
      });
      if (variantSelect.selectedOptions.length && variantSelect.selectedOptions[0].disabled) variantSelect.value = "";
    };
    productSelect.addEventListener("change", filterVariants);
    filterVariants();
  }

  // --- Orders ---------------------------------------------------------------------------------

  var orderList = $("[data-console-orders]");
  var orderTemplate = $("[data-console-order-template]");

  function addOrder(order) {
    if (!orderList || $('[data-console-order="' + CSS.escape(String(order.number)) + '"]', orderList)) return;
    var item = orderTemplate.content.firstElementChild.cloneNode(true);
    item.dataset.consoleOrder = String(order.number);
    field(item, "number").textContent = order.number;
    field(item, "buyer").textContent = order.buyer;
    field(item, "product").textContent = order.product + " × " + order.quantity;
    field(item, "total").textContent = order.total_display;
    orderList.insertBefore(item, orderList.firstChild);
    while (orderList.children.length > MAX_ORDERS) orderList.removeChild(orderList.lastElementChild);
    $("[data-console-orders-empty]").hidden = true;
  }

  // --- The room's socket ----------------------------------------------------------------------

  var live = window.LapakLive.connect(root);

  live.on("open", function () {
    if (connection) {
      connection.textContent = connection.dataset.labelOpen;
      connection.classList.remove("is-closed");
    }
  });
  live.on("close", function () {
    if (connection) {
      connection.textContent = connection.dataset.labelClosed;
      connection.classList.add("is-closed");
    }
  });
  live.on("history", function (event) {
    if (!event.complete && event.messages.length) addNotice(t("gap"));
    event.messages.forEach(addMessage);
  });
  live.on("state", function (event) {
    applyStatus(event.status);
    showSlowMode(event.slow_mode);
    setStat("orders", event.orders);
    markPinned(event.pinned ? event.pinned.id : null, event.pinned ? event.pinned.title : "");
    if (event.deal) showDeal(event.deal);
    else clearDeal();
  });
  live.on("session", function (event) { applyStatus(event.status); });
  live.on("chat", function (event) { addMessage(event.message); });
  live.on("held", function (event) { addMessage(event.message); });
  live.on("removed", function (event) {
    var item = findMessage(event.id);
    if (item) item.remove();
    refreshLists();
  });
  live.on("answered", function (event) {
    var item = findMessage(event.id);
    if (item) setAnswered(item, true);
  });
  live.on("highlight", function (event) {
    $all(".console-message.is-highlighted").forEach(function (item) { item.classList.remove("is-highlighted"); });
    var item = findMessage(event.message.id);
    if (item) item.classList.add("is-highlighted");
  });
  live.on("slow_mode", function (event) { showSlowMode(event.seconds); });
  live.on("moderated", function (event) { sayInRoom(t(event.action === "ban" ? "banned" : "muted")); });
  live.on("notice", function (event) { sayInRoom(event.message); });
  live.on("error", function (event) { sayInRoom(event.message, true); });
  live.on("stats", function (event) {
    setStat("viewers", event.viewers);
    setStat("likes", event.likes);
    setStat("orders", event.orders);
    if (deal && event.deal && event.deal.id === deal.id) showUnitsLeft(event.deal.units_left);
  });
  live.on("revenue", function (event) { setStat("revenue", event.display); });
  live.on("pinned", function (event) {
    markPinned(event.product ? event.product.id : null, event.product ? event.product.title : "");
  });
  live.on("deal", function (event) { showDeal(event.deal); });
  live.on("deal_ended", function (event) { if (deal && deal.id === event.id) clearDeal(); });
  live.on("order", addOrder);

  live.start();
})();
