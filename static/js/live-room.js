// The shopper's live room (templates/live/room.html) on the room's socket (static/js/live-socket.js):
// chat with questions, likes with floating hearts, viewer count, the pinned product, the flash
// deal's countdown and units left, purchase toasts, one-off item claims and the buy dialog.
// The page is complete without this script; it only keeps it current. Plain JS, no inline script
// (CSP). Whatever a user wrote (chat, names) is set with textContent, never as HTML.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-room]");
  if (!root || !root.dataset.wsUrl || !window.LapakLive) return;

  var MAX_LINES = 200;
  var MAX_HEARTS = 16;
  var MAX_TOASTS = 3;
  var MAX_QUEUED_TOASTS = 12;
  var TOAST_MS = 4000;
  // The server counts at most 30 likes per 10 s from one viewer: stay under it.
  var LIKES_PER_SECOND = 3;
  // An `item` push older than our own claim's answer must not undo it.
  var CLAIM_GRACE_MS = 3000;

  function $(selector, scope) { return (scope || root).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || root).querySelectorAll(selector)); }

  // Translated words come from a <template> in the page: the script carries no copy of its own.
  var strings = {};
  var stringsTemplate = $("[data-live-strings]");
  if (stringsTemplate) {
    $all("[data-key]", stringsTemplate.content).forEach(function (el) { strings[el.dataset.key] = el.textContent.trim(); });
  }
  function t(key, values) {
    var text = strings[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  }

  var loggedIn = root.dataset.loggedIn === "1";
  var loginUrl = root.dataset.loginUrl;
  var status = root.dataset.status;
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "id");

  // Logged out, every way to take part leads to the login, which brings the shopper back here.
  function buyHref(url) { return loggedIn ? url : loginUrl; }

  function countdownText(deadline) {
    var seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  // --- Status line ---------------------------------------------------------------------------------

  var errorBox = $("[data-live-error]");
  var errorTimer = null;
  function showError(text, sticky) {
    if (!errorBox) return;
    clearTimeout(errorTimer);
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
    if (text && !sticky) errorTimer = setTimeout(function () { showError(""); }, 6000);
  }

  // --- Chat ----------------------------------------------------------------------------------------

  var list = $("[data-live-chat-list]");
  var form = $("[data-live-chat-form]");
  var messageTemplate = $("[data-live-message-template]");
  var highlightBox = $("[data-live-highlight]");
  var slowModeLine = $("[data-live-slow-mode]");
  var highlightedId = null;

  function findMessage(id) { return list.querySelector('[data-message-id="' + Number(id) + '"]'); }

  function nearBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 40; }

  function append(item) {
    var follow = nearBottom();
    list.appendChild(item);
    while (list.children.length > MAX_LINES) list.removeChild(list.firstElementChild);
    // Someone scrolled up to read: leave them there.
    if (follow) list.scrollTop = list.scrollHeight;
  }

  function setAnswered(item, answered) {
    item.classList.toggle("is-answered", answered);
    var tag = $('[data-live-tag="answered"]', item);
    if (tag) tag.hidden = !answered;
  }

  function addMessage(message, held) {
    var existing = findMessage(message.id);
    if (existing) {
      if (message.answered) setAnswered(existing, true);
      return;
    }
    var item = messageTemplate.content.firstElementChild.cloneNode(true);
    item.dataset.messageId = String(message.id);
    $('[data-live-field="name"]', item).textContent = message.name;
    $('[data-live-field="text"]', item).textContent = message.text;
    item.classList.toggle("is-question", !!message.question);
    $('[data-live-tag="question"]', item).hidden = !message.question;
    item.classList.toggle("is-held", !!held);
    setAnswered(item, !!message.answered);
    append(item);
  }

  function addNotice(text, extraClass) {
    var item = document.createElement("li");
    item.className = "live-msg is-notice" + (extraClass ? " " + extraClass : "");
    item.textContent = text;
    append(item);
  }

  function showHighlight(message) {
    $all(".is-highlighted", list).forEach(function (el) { el.classList.remove("is-highlighted"); });
    var item = findMessage(message.id);
    if (item) item.classList.add("is-highlighted");
    highlightedId = message.id;
    if (!highlightBox) return;
    $("[data-live-highlight-name]", highlightBox).textContent = message.name;
    $("[data-live-highlight-text]", highlightBox).textContent = message.text;
    highlightBox.hidden = false;
  }

  function setSlowMode(seconds) {
    if (!slowModeLine) return;
    slowModeLine.textContent = seconds ? t("slow_mode", { seconds: seconds }) : "";
    slowModeLine.hidden = !seconds;
  }

  // --- Counters, likes and hearts ------------------------------------------------------------------

  var viewersEl = $("[data-live-viewers]");
  var likesEl = $("[data-live-likes]");
  var likeButton = $("button[data-live-like]");
  var hearts = $("[data-live-hearts]");
  var serverLikes = parseInt(likesEl && likesEl.textContent, 10) || 0;
  var myLikes = 0;
  var likeTimes = [];

  function floatHeart() {
    if (!hearts) return;
    while (hearts.children.length >= MAX_HEARTS) hearts.removeChild(hearts.firstElementChild);
    var heart = document.createElement("span");
    heart.className = "live-heart live-heart-" + Math.floor(Math.random() * 4);
    heart.textContent = "♥";
    heart.addEventListener("animationend", function () { heart.remove(); });
    hearts.appendChild(heart);
    // With reduced motion there is no animation to end.
    setTimeout(function () { heart.remove(); }, 3000);
  }

  function like() {
    floatHeart();
    var now = Date.now();
    likeTimes = likeTimes.filter(function (time) { return now - time < 1000; });
    if (likeTimes.length >= LIKES_PER_SECOND) return; // the heart floats, the count does not
    if (!live.send({ type: "like" })) return;
    likeTimes.push(now);
    myLikes += 1;
    likesEl.textContent = numberFormat.format(serverLikes + myLikes);
  }

  function applyStats(event) {
    if (viewersEl) viewersEl.textContent = numberFormat.format(event.viewers);
    // Likes from others float too, fewer than they were.
    var others = event.likes - serverLikes - myLikes;
    for (var i = 0; i < Math.min(others, 4); i += 1) setTimeout(floatHeart, i * 180);
    serverLikes = event.likes;
    myLikes = 0;
    if (likesEl) likesEl.textContent = numberFormat.format(event.likes);
    if (event.deal && deal && event.deal.id === deal.id) setDealUnits(event.deal.units_left);
  }

  // --- Purchase toasts -----------------------------------------------------------------------------

  var toasts = $("[data-live-toasts]");
  var toastQueue = [];

  function pumpToasts() {
    while (toasts && toastQueue.length && toasts.children.length < MAX_TOASTS) {
      var toast = document.createElement("li");
      toast.className = "live-toast";
      toast.dataset.liveToast = "";
      toast.textContent = toastQueue.shift();
      toasts.appendChild(toast);
      setTimeout(fadeToast.bind(null, toast), TOAST_MS);
    }
  }

  function fadeToast(toast) {
    toast.classList.add("is-leaving");
    setTimeout(function () { toast.remove(); pumpToasts(); }, 400);
  }

  function addToast(text) {
    toastQueue.push(text);
    // A busy room sells faster than toasts can be read: drop the oldest waiting ones.
    while (toastQueue.length > MAX_QUEUED_TOASTS) toastQueue.shift();
    pumpToasts();
  }

  // --- Pinned product ------------------------------------------------------------------------------

  var pinned = $("[data-live-pinned]");
  var claimTemplate = $("[data-live-claim-template]");

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function buyLink(className, url, variantId, label) {
    var link = element("a", className, label);
    link.href = buyHref(url);
    link.dataset.liveOpenBuy = "";
    link.dataset.liveBuy = variantId ? String(variantId) : "";
    return link;
  }

  function pinnedAction(product) {
    var box = document.createDocumentFragment();
    if (product.one_off) {
      var variantId = String(product.variants[0].id);
      if (loggedIn && claimTemplate) {
        var claim = claimTemplate.content.firstElementChild.cloneNode(true);
        claim.dataset.liveClaim = variantId;
        claim.elements.variant.value = variantId;
        claim.hidden = !!claims[variantId];
        box.appendChild(claim);
      } else {
        var login = element("a", "button button-small", t("claim"));
        login.href = loginUrl;
        login.dataset.liveClaim = variantId;
        box.appendChild(login);
      }
      var note = element("p", "live-claim-message");
      note.dataset.liveClaimMessage = variantId;
      note.setAttribute("role", "status");
      note.hidden = true;
      box.appendChild(note);
      return box;
    }
    if (!product.in_stock) {
      box.appendChild(element("p", "live-soldout", t("sold_out")));
      return box;
    }
    var single = product.variants.length === 1 ? product.variants[0].id : null;
    var link = buyLink("button button-small", product.buy_url, single, t("buy_now"));
    link.dataset.livePinnedBuy = "";
    if (product.variants.length > 1) {
      var select = element("select", "live-pinned-variant");
      select.dataset.livePinnedVariant = "";
      select.setAttribute("aria-label", t("choose"));
      product.variants.forEach(function (variant) {
        var option = element("option", "", (variant.label || product.title) + (variant.in_stock ? "" : " · " + t("sold_out")));
        option.value = String(variant.id);
        option.dataset.buyUrl = variant.buy_url;
        option.dataset.price = variant.price_display;
        option.disabled = !variant.in_stock;
        select.appendChild(option);
      });
      box.appendChild(select);
    }
    box.appendChild(link);
    return box;
  }

  // The chosen variant decides where "Buy now" goes and the price shown.
  function choosePinnedVariant() {
    var select = $("[data-live-pinned-variant]");
    var link = $("[data-live-pinned-buy]");
    if (!select || !link) return;
    var option = select.options[select.selectedIndex];
    if (!option || option.disabled) return;
    link.href = buyHref(option.dataset.buyUrl);
    link.dataset.liveBuy = option.value;
    $("[data-live-pinned-price]", pinned).textContent = option.dataset.price;
  }

  function showPinned(product) {
    if (!pinned) return;
    if (!product) {
      pinned.hidden = true;
      delete pinned.dataset.productId;
      return;
    }
    pinned.dataset.productId = String(product.id);
    var image = $("[data-live-pinned-image]", pinned);
    if (product.image) image.src = product.image;
    image.hidden = !product.image;
    var title = $("[data-live-pinned-title]", pinned);
    title.textContent = product.title;
    title.href = product.url;
    $("[data-live-pinned-price]", pinned).textContent = product.price_display;
    var action = $("[data-live-pinned-action]", pinned);
    action.textContent = "";
    action.appendChild(pinnedAction(product));
    choosePinnedVariant();
    pinned.hidden = status !== "live";
  }

  // --- Flash deal ----------------------------------------------------------------------------------

  var dealBox = $("[data-live-deal]");
  var deal = null; // {id, deadline}

  function setDealUnits(units) {
    if (!dealBox) return;
    $("[data-live-deal-units]", dealBox).textContent = numberFormat.format(units);
    $("[data-live-deal-buy]", dealBox).hidden = units <= 0;
    $("[data-live-deal-soldout]", dealBox).hidden = units > 0;
  }

  function showDeal(payload) {
    if (!dealBox) return;
    if (!payload || payload.seconds_left <= 0) return hideDeal();
    deal = { id: payload.id, deadline: Date.now() + payload.seconds_left * 1000 };
    dealBox.dataset.dealId = String(payload.id);
    dealBox.dataset.dealEndsAt = payload.ends_at;
    dealBox.dataset.secondsLeft = String(payload.seconds_left);
    $("[data-live-deal-title]", dealBox).textContent = payload.title;
    $("[data-live-deal-price]", dealBox).textContent = payload.price_display;
    $("[data-live-deal-normal]", dealBox).textContent = payload.normal_price_display;
    var buy = $("[data-live-deal-buy]", dealBox);
    buy.href = buyHref(payload.buy_url);
    buy.textContent = t("buy_at", { price: payload.price_display });
    $("[data-live-deal-countdown]", dealBox).textContent = countdownText(deal.deadline);
    setDealUnits(payload.units_left);
    dealBox.hidden = status !== "live";
  }

  function hideDeal() {
    deal = null;
    if (!dealBox) return;
    dealBox.hidden = true;
    delete dealBox.dataset.dealId;
  }

  // --- One-off items: the queue everyone sees, the shopper's own claim -----------------------------

  var claims = {}; // variant id -> {status, deadline, at}
  var yours = $("[data-live-yours]");
  var yoursVariant = null;
  var withdrawUrl = root.dataset.withdrawUrl || "";

  function setQueue(variantId, held, waiting) {
    var text = held ? t("held") : t("free");
    if (waiting) text += " · " + t("waiting", { count: numberFormat.format(waiting) });
    $all('[data-live-item="' + variantId + '"]').forEach(function (el) { el.textContent = text; });
  }

  function claimMessage(variantId, text, pinnedOnly) {
    $all('[data-live-claim-message="' + variantId + '"]').forEach(function (el) {
      if (pinnedOnly && el.closest("[data-live-claim-box]")) return;
      el.textContent = text || "";
      el.hidden = !text;
    });
  }

  function productTitle(variantId) {
    var box = $('[data-live-claim-box="' + variantId + '"]');
    var item = box && box.closest("[data-live-product]");
    var title = item && $(".live-tray-title", item);
    if (title) return title.textContent.trim();
    return pinned && $('[data-live-claim="' + variantId + '"]', pinned) ? $("[data-live-pinned-title]", pinned).textContent : "";
  }

  // state: null (no open claim), or {status: "holding", deadline, buyUrl} / {status: "waiting", position, claimId}
  function setClaim(variantId, state) {
    variantId = String(variantId);
    if (state) state.at = Date.now();
    claims[variantId] = state;
    $all('form[data-live-claim="' + variantId + '"]').forEach(function (el) { el.hidden = !!state; });
    var holding = !!state && state.status === "holding";
    var waiting = !!state && state.status === "waiting";
    $all('[data-live-claim-holding="' + variantId + '"]').forEach(function (el) {
      el.hidden = !holding;
      if (!holding) return;
      if (state.buyUrl) $("[data-live-claim-pay]", el).href = state.buyUrl;
      var clock = $("[data-live-claim-countdown]", el);
      clock.textContent = countdownText(state.deadline);
    });
    $all('[data-live-claim-waiting="' + variantId + '"]').forEach(function (el) {
      el.hidden = !waiting;
      if (!waiting) return;
      $("[data-live-claim-position]", el).textContent = state.position ? t("position", { position: state.position }) : "";
      if (state.claimId) $("[data-live-claim-withdraw]", el).action = withdrawUrl.replace("/0/", "/" + state.claimId + "/");
    });
    claimMessage(variantId, holding ? t("holding") : waiting && state.position ? t("position", { position: state.position }) : "", true);
    if (holding) showYours(variantId, productTitle(variantId), state.deadline, state.buyUrl);
    else if (yoursVariant === variantId) hideYours();
  }

  function showYours(variantId, title, deadline, url) {
    if (!yours) return;
    yoursVariant = String(variantId);
    $("[data-live-yours-text]", yours).textContent = t("yours", { title: title });
    $("[data-live-yours-countdown]", yours).textContent = countdownText(deadline);
    $("[data-live-yours-buy]", yours).href = url;
    yours.hidden = status !== "live";
  }

  function hideYours() {
    yoursVariant = null;
    if (yours) yours.hidden = true;
  }

  function post(formElement, done) {
    window.LapakLive.post(formElement, done, { failed: t("failed"), network: t("network") });
  }

  function claimAnswered(variantId, data) {
    if (!data.ok) return claimMessage(variantId, data.error);
    claimMessage(variantId, "");
    if (data.status === "holding") {
      setClaim(variantId, { status: "holding", deadline: Date.parse(data.hold_expires_at), buyUrl: data.buy_url });
    } else if (data.status === "waiting") {
      setClaim(variantId, { status: "waiting", position: data.position, claimId: data.claim_id });
    } else {
      claimMessage(variantId, data.message);
    }
  }

  root.addEventListener("submit", function (submitted) {
    var target = submitted.target;
    if (!window.fetch) return; // the plain form post does the job
    if (target.matches("form[data-live-claim]")) {
      submitted.preventDefault();
      var variantId = target.dataset.liveClaim;
      post(target, function (data) { claimAnswered(variantId, data); });
    } else if (target.matches("form[data-live-claim-withdraw]")) {
      submitted.preventDefault();
      var withdrawn = target.dataset.liveClaimWithdraw;
      post(target, function (data) {
        if (!data.ok) return claimMessage(withdrawn, data.error);
        setClaim(withdrawn, null);
        claimMessage(withdrawn, data.message);
      });
    }
  });

  // --- The buy dialog ------------------------------------------------------------------------------

  var dialog = $("[data-live-buy-dialog]");
  var dialogBody = dialog && $("[data-live-buy-dialog-body]", dialog);

  function dialogError(text) {
    var line = $("[data-live-buy-error]", dialogBody);
    if (!line) {
      line = element("p", "live-sheet-error");
      line.dataset.liveBuyError = "";
      line.setAttribute("role", "alert");
      dialogBody.insertBefore(line, dialogBody.firstChild);
    }
    line.textContent = text;
  }

  function openBuy(url) {
    dialogBody.textContent = "";
    dialogBody.appendChild(element("p", "muted live-sheet-loading", t("loading")));
    if (!dialog.open) dialog.showModal();
    // The buy page answers an htmx request with its fragment alone; its own forms then post
    // back with htmx and swap themselves inside the dialog.
    // The body is the request's source too, so its errors are heard below.
    window.htmx.ajax("GET", url, { source: dialogBody, target: dialogBody, swap: "innerHTML" });
  }

  if (dialog && dialog.showModal && window.htmx) {
    root.addEventListener("click", function (clicked) {
      var link = clicked.target.closest("a[data-live-open-buy]");
      if (!link || !loggedIn || link.hidden) return;
      // A new tab or window gets the full page.
      if (clicked.button !== 0 || clicked.metaKey || clicked.ctrlKey || clicked.shiftKey || clicked.altKey) return;
      clicked.preventDefault();
      openBuy(link.href);
    });
    // A tap on the backdrop closes the sheet, as on every phone.
    dialog.addEventListener("click", function (clicked) {
      if (clicked.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", function () { dialogBody.textContent = ""; });
    document.addEventListener("htmx:responseError", function (event) {
      if (dialog.open && dialogBody.contains(event.detail.elt)) dialogError(t("failed"));
    });
    document.addEventListener("htmx:sendError", function (event) {
      if (dialog.open && dialogBody.contains(event.detail.elt)) dialogError(t("network"));
    });
  }

  // --- The session ends ----------------------------------------------------------------------------

  function endRoom() {
    if (status === "ended") return;
    status = "ended";
    root.dataset.status = "ended";
    root.classList.replace("live-room-live", "live-room-ended");
    $all("[data-live-ended]").forEach(function (el) { el.hidden = false; });
    // Nothing can be bought, claimed or said any more.
    $all("[data-live-open-buy], [data-live-claim], [data-live-claim-holding], [data-live-claim-waiting], [data-live-pinned-variant]").forEach(function (el) { el.hidden = true; });
    [form, $("[data-live-like-box]"), $("[data-live-badge]"), pinned, dealBox, yours, highlightBox].forEach(function (el) { if (el) el.hidden = true; });
    deal = null;
    showError("");
  }

  // --- One clock for every countdown ---------------------------------------------------------------

  function tick() {
    if (deal) {
      var left = deal.deadline - Date.now();
      $("[data-live-deal-countdown]", dealBox).textContent = countdownText(deal.deadline);
      // The server sends deal_ended too; the clock does not wait for it.
      if (left <= 0) hideDeal();
    }
    Object.keys(claims).forEach(function (variantId) {
      var claim = claims[variantId];
      if (!claim || claim.status !== "holding") return;
      var text = countdownText(claim.deadline);
      $all('[data-live-claim-holding="' + variantId + '"] [data-live-claim-countdown]').forEach(function (el) { el.textContent = text; });
      if (yoursVariant === variantId) $("[data-live-yours-countdown]", yours).textContent = text;
      if (claim.deadline <= Date.now()) {
        // The hold lapsed: the item passes to the next in line (the server's job says so too).
        setClaim(variantId, null);
        claimMessage(variantId, t("time_up"));
      }
    });
  }

  // --- What the server rendered ------------------------------------------------------------------------

  if (dealBox && dealBox.dataset.dealId) {
    deal = { id: Number(dealBox.dataset.dealId), deadline: Date.now() + Number(dealBox.dataset.secondsLeft) * 1000 };
  }
  $all("[data-live-claim-holding]").forEach(function (el) {
    if (el.hidden) return;
    var clock = $("[data-live-claim-countdown]", el);
    claims[el.dataset.liveClaimHolding] = {
      status: "holding",
      deadline: Date.now() + (Number(clock.dataset.secondsLeft) || 0) * 1000,
      at: 0,
    };
  });
  $all("[data-live-claim-waiting]").forEach(function (el) {
    if (!el.hidden) claims[el.dataset.liveClaimWaiting] = { status: "waiting", at: 0 };
  });
  root.addEventListener("change", function (changed) {
    if (changed.target.matches("[data-live-pinned-variant]")) choosePinnedVariant();
  });
  choosePinnedVariant();
  if (list) list.scrollTop = list.scrollHeight;
  setInterval(tick, 500);

  // --- The socket ------------------------------------------------------------------------------------

  var live = window.LapakLive.connect(root);
  var disconnected = false;

  live.on("open", function () {
    if (disconnected) showError("");
    disconnected = false;
  });
  live.on("close", function (event) {
    if (event.final) {
      // Banned: the server said why (an `error` first); the socket stays closed.
      if (form) form.hidden = true;
      if (likeButton) likeButton.hidden = true;
      return;
    }
    if (status === "live") {
      disconnected = true;
      showError(t("reconnecting"), true);
    }
  });
  live.on("history", function (event) {
    if (!event.complete) addNotice(t("gap"));
    event.messages.forEach(function (message) { addMessage(message, !!message.held_reason); });
  });
  live.on("state", function (event) {
    if (event.status === "ended") return endRoom();
    setSlowMode(event.slow_mode);
    showPinned(event.pinned);
    if (event.deal) showDeal(event.deal);
    else hideDeal();
    Object.keys(event.items || {}).forEach(function (variantId) {
      setQueue(variantId, event.items[variantId].held, event.items[variantId].waiting);
    });
  });
  live.on("chat", function (event) { addMessage(event.message, false); });
  live.on("held", function (event) { addMessage(event.message, true); });
  live.on("removed", function (event) {
    var item = findMessage(event.id);
    if (item) item.remove();
    if (highlightBox && highlightedId === event.id) highlightBox.hidden = true;
  });
  live.on("answered", function (event) {
    var item = findMessage(event.id);
    if (item) setAnswered(item, true);
  });
  live.on("highlight", function (event) { showHighlight(event.message); });
  live.on("slow_mode", function (event) { setSlowMode(event.seconds); });
  live.on("greeting", function (event) { addNotice("👋 " + t("greeting", { name: event.name }), "is-greeting"); });
  live.on("stats", applyStats);
  live.on("pinned", function (event) { showPinned(event.product); });
  live.on("deal", function (event) { showDeal(event.deal); });
  live.on("deal_ended", function (event) { if (deal && deal.id === event.id) hideDeal(); });
  live.on("purchase", function (event) { addToast(t("bought", { name: event.name, product: event.product })); });
  live.on("item", function (event) {
    setQueue(event.variant_id, event.held, event.waiting);
    var mine = claims[String(event.variant_id)];
    // Nobody holds it any more while we thought we did: ordered, given up or lapsed.
    if (mine && mine.status === "holding" && !event.held && Date.now() - mine.at > CLAIM_GRACE_MS) {
      setClaim(event.variant_id, null);
    }
  });
  live.on("item_yours", function (event) {
    if (String(event.session_id) !== root.dataset.sessionId) return;
    setClaim(event.variant_id, { status: "holding", deadline: Date.parse(event.expires_at), buyUrl: event.buy_url });
    showYours(event.variant_id, event.title, Date.parse(event.expires_at), event.buy_url);
  });
  // The buyer ahead of us paid: the line we were in has closed.
  live.on("item_gone", function (event) {
    if (String(event.session_id) !== root.dataset.sessionId) return;
    setClaim(event.variant_id, null);
    claimMessage(event.variant_id, t("gone", { title: event.title }));
  });
  live.on("session", function (event) { if (event.status === "ended") endRoom(); });
  live.on("notice", function (event) { showError(event.message); });
  live.on("error", function (event) { showError(event.message); });

  if (form) {
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var text = form.elements.text.value.trim();
      if (!text) return;
      if (!live.send({ type: "chat", text: text, question: form.elements.question.checked })) {
        showError(t("reconnecting"));
        return; // the text stays in the box to send again
      }
      form.elements.text.value = "";
      form.elements.question.checked = false;
    });
  }
  if (likeButton) likeButton.addEventListener("click", like);

  live.start();
})();
