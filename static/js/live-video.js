// Live video over WebRTC (the protocol is in live/video.py). The host's browser sends its camera to
// each viewer on an RTCPeerConnection of its own; offers, answers and ICE candidates ride the
// room's socket (live-socket.js). window.LapakVideo.publish(root, socket) runs the console's side,
// LapakVideo.watch(root, socket) the room's; both start by themselves on [data-live-video] elements
// once the page creates its socket. root.dataset.videoState tells tests and styles where it is.
(function () {
  "use strict";

  // Per viewer: the host's uplink carries one copy per viewer, so keep each modest.
  var MAX_VIDEO_BITRATE = 600000;
  // How long a viewer waits for the host's offer before asking again.
  var WATCH_TIMEOUT = 15000;

  function words(root, name, n) {
    return (root.dataset["text" + name] || "").replace("{n}", String(n));
  }

  function iceServers(root) {
    try {
      var servers = JSON.parse(root.dataset.iceServers || "[]");
      return Array.isArray(servers) ? servers : [];
    } catch (e) {
      return [];
    }
  }

  function candidateJson(candidate) {
    // Only the fields the server accepts (RTCIceCandidate.toJSON()).
    return {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid,
      sdpMLineIndex: candidate.sdpMLineIndex,
      usernameFragment: candidate.usernameFragment || null,
    };
  }

  // Runs a peer connection's steps one after another: a candidate must wait for the description.
  function queued() {
    var chain = Promise.resolve();
    return function (step) {
      chain = chain.then(step).catch(function () {
        // A step of a connection that has been replaced or closed: nothing to do.
      });
    };
  }

  function jitter(ms) {
    return Math.round(Math.random() * ms);
  }

  // --- The host's side ------------------------------------------------------------------------

  function publish(root, live) {
    var preview = root.querySelector("[data-video-player]");
    var statusEl = root.querySelector("[data-video-status]");
    var startButton = root.querySelector("[data-video-start]");
    var muteButton = root.querySelector("[data-video-mute]");
    var hideButton = root.querySelector("[data-video-hide]");
    var cameraSelect = root.querySelector("[data-video-camera]");
    var microphoneSelect = root.querySelector("[data-video-microphone]");
    var servers = iceServers(root);
    var status = root.dataset.sessionStatus || "";
    var stream = null;
    var starting = false;
    var published = false;
    var publishing = false; // rtc_publish sent, the room's rtc_publisher not heard yet
    var replaced = false;
    var peers = {};

    function say(state, text) {
      root.dataset.videoState = state;
      statusEl.textContent = text;
    }

    function connectedCount() {
      return Object.keys(peers).filter(function (id) {
        return peers[id].pc.connectionState === "connected";
      }).length;
    }

    function showState() {
      if (status === "ended") return say("ended", words(root, "Ended"));
      if (!stream) return say("off", words(root, "Off"));
      var count = connectedCount();
      root.dataset.videoPeers = String(count);
      if (published) return say("on_air", words(root, "OnAir", count));
      if (replaced) return;
      say("preview", words(root, "Preview"));
    }

    function setControls() {
      var on = !!stream;
      if (startButton) {
        startButton.hidden = on && !replaced;
        startButton.textContent = replaced ? startButton.dataset.labelTakeOver : startButton.dataset.labelStart;
      }
      [muteButton, hideButton, cameraSelect, microphoneSelect].forEach(function (control) {
        if (control) control.disabled = !on;
      });
    }

    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.RTCPeerConnection)) {
      say("no_media", words(root, "NoMedia"));
      if (startButton) startButton.disabled = true;
      return null;
    }

    // Peer connections, one per admitted viewer.

    function closePeer(id) {
      var peer = peers[id];
      if (!peer) return;
      delete peers[id];
      peer.pc.close();
      showState();
    }

    function closeAllPeers() {
      Object.keys(peers).forEach(closePeer);
    }

    function offerTo(id) {
      closePeer(id);
      var pc = new RTCPeerConnection({ iceServers: servers });
      var peer = { pc: pc, run: queued(), senders: {} };
      peers[id] = peer;
      stream.getTracks().forEach(function (track) {
        var init = { direction: "sendonly", streams: [stream] };
        if (track.kind === "video") init.sendEncodings = [{ maxBitrate: MAX_VIDEO_BITRATE }];
        peer.senders[track.kind] = pc.addTransceiver(track, init).sender;
      });
      pc.addEventListener("icecandidate", function (event) {
        if (event.candidate && peers[id] === peer) {
          live.send({ type: "rtc_ice", peer: id, candidate: candidateJson(event.candidate) });
        }
      });
      pc.addEventListener("connectionstatechange", function () {
        if (peers[id] !== peer) return;
        // The viewer asks again (rtc_watch) when it wants to retry; a failed connection just goes.
        if (pc.connectionState === "failed" || pc.connectionState === "closed") closePeer(id);
        else showState();
      });
      peer.run(function () {
        return pc.createOffer().then(function (offer) {
          return pc.setLocalDescription(offer);
        }).then(function () {
          if (peers[id] === peer) live.send({ type: "rtc_offer", peer: id, sdp: pc.localDescription.sdp });
        });
      });
    }

    function maybePublish() {
      if (stream && status === "live" && !published && live.isOpen()) {
        // The server drops the previous viewers' slots on rtc_publish: they ask again.
        closeAllPeers();
        replaced = false;
        published = publishing = live.send({ type: "rtc_publish" });
      }
      setControls();
      showState();
    }

    function stopPublishing() {
      if (published) live.send({ type: "rtc_unpublish" });
      published = false;
      closeAllPeers();
    }

    // The camera and the microphone.

    function trackOf(kind) {
      if (!stream) return null;
      return (kind === "video" ? stream.getVideoTracks() : stream.getAudioTracks())[0] || null;
    }

    function fillSelect(select, devices, kind, label) {
      if (!select) return;
      var current = trackOf(kind);
      var currentId = current && current.getSettings ? current.getSettings().deviceId : "";
      select.textContent = "";
      devices.forEach(function (device, index) {
        var option = document.createElement("option");
        option.value = device.deviceId;
        option.textContent = device.label || words(root, label, index + 1);
        if (device.deviceId === currentId) option.selected = true;
        select.appendChild(option);
      });
    }

    function listDevices() {
      if (!navigator.mediaDevices.enumerateDevices) return;
      navigator.mediaDevices.enumerateDevices().then(function (devices) {
        fillSelect(cameraSelect, devices.filter(function (d) { return d.kind === "videoinput"; }), "video", "CameraN");
        fillSelect(microphoneSelect, devices.filter(function (d) { return d.kind === "audioinput"; }), "audio", "MicrophoneN");
      });
    }

    function failed(error) {
      var name = error && error.name;
      if (name === "NotAllowedError" || name === "SecurityError") say("blocked", words(root, "Blocked"));
      else if (name === "NotFoundError" || name === "OverconstrainedError") say("no_camera", words(root, "NoCamera"));
      else say("camera_failed", words(root, "CameraFailed"));
    }

    function startCamera() {
      if (stream || starting) return;
      starting = true;
      say("starting", words(root, "Starting"));
      var video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } };
      navigator.mediaDevices.getUserMedia({ video: video, audio: true })
        .catch(function (error) {
          // A phone or laptop without a microphone still broadcasts its picture.
          if (error && error.name === "NotFoundError") return navigator.mediaDevices.getUserMedia({ video: video });
          throw error;
        })
        .then(function (media) {
          starting = false;
          if (status === "ended") {
            media.getTracks().forEach(function (track) { track.stop(); });
            return showState();
          }
          stream = media;
          preview.srcObject = stream;
          preview.play().catch(function () {});
          applyToggles();
          listDevices();
          maybePublish();
        }, function (error) {
          starting = false;
          failed(error);
        });
    }

    function stopCamera() {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      preview.srcObject = null;
      setControls();
    }

    function switchDevice(kind, deviceId) {
      if (!stream || !deviceId) return;
      var constraints = {};
      constraints[kind] = { deviceId: { exact: deviceId } };
      navigator.mediaDevices.getUserMedia(constraints).then(function (media) {
        var track = media.getTracks()[0];
        var old = trackOf(kind);
        if (old) {
          track.enabled = old.enabled;
          stream.removeTrack(old);
          old.stop();
        }
        stream.addTrack(track);
        preview.srcObject = stream;
        // Viewers keep their connection: the new camera or microphone replaces the old one in it.
        Object.keys(peers).forEach(function (id) {
          var sender = peers[id].senders[kind];
          if (sender) sender.replaceTrack(track).catch(function () {});
        });
      }, failed);
    }

    function applyToggles() {
      var audio = trackOf("audio");
      var video = trackOf("video");
      if (audio) audio.enabled = muteButton ? muteButton.getAttribute("aria-pressed") !== "true" : true;
      if (video) video.enabled = hideButton ? hideButton.getAttribute("aria-pressed") !== "true" : true;
    }

    function toggle(button) {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      applyToggles();
    }

    if (startButton) {
      startButton.addEventListener("click", function () {
        if (!stream) return startCamera();
        // Taken over by another window: this one broadcasts again.
        published = false;
        replaced = false;
        maybePublish();
      });
    }
    if (muteButton) muteButton.addEventListener("click", function () { toggle(muteButton); });
    if (hideButton) hideButton.addEventListener("click", function () { toggle(hideButton); });
    if (cameraSelect) cameraSelect.addEventListener("change", function () { switchDevice("video", cameraSelect.value); });
    if (microphoneSelect) microphoneSelect.addEventListener("change", function () { switchDevice("audio", microphoneSelect.value); });
    if (navigator.mediaDevices.addEventListener) navigator.mediaDevices.addEventListener("devicechange", listDevices);

    function setStatus(next) {
      if (!next) return;
      status = next;
      if (status === "live") {
        // Going live is the host's go-ahead for the camera too.
        if (!stream) startCamera();
        else maybePublish();
      } else if (status === "ended" || status === "cancelled") {
        stopPublishing();
        stopCamera();
        showState();
      }
    }

    // The socket.

    live.on("open", function () {
      published = false;
      closeAllPeers();
      maybePublish();
    });
    live.on("close", function () {
      published = false;
      closeAllPeers();
      showState();
    });
    live.on("state", function (event) { setStatus(event.status); });
    live.on("session", function (event) { setStatus(event.status); });
    live.on("rtc_viewer", function (event) { if (published && stream) offerTo(event.peer); });
    live.on("rtc_answer", function (event) {
      var peer = peers[event.peer];
      if (peer) peer.run(function () { return peer.pc.setRemoteDescription({ type: "answer", sdp: event.sdp }); });
    });
    live.on("rtc_ice", function (event) {
      var peer = peers[event.peer];
      if (peer && event.candidate) peer.run(function () { return peer.pc.addIceCandidate(event.candidate); });
    });
    live.on("rtc_leave", function (event) { closePeer(event.peer); });
    live.on("rtc_unavailable", function (event) {
      if (event.reason !== "replaced") return;
      published = false;
      replaced = true;
      closeAllPeers();
      setControls();
      say("replaced", event.message);
    });
    live.on("rtc_publisher", function (event) { if (event.live) publishing = false; });
    live.on("error", function (event) {
      if (publishing && (event.code === "not_live" || event.code === "forbidden")) {
        // rtc_publish refused: the live is not on, or this account may not broadcast.
        published = publishing = false;
        showState();
      } else if (event.code === "not_publishing" && published && !replaced) {
        // The server lost this socket's publishing (Redis restarted): take the viewers again.
        published = false;
        maybePublish();
      }
    });

    window.addEventListener("pagehide", function () {
      stopPublishing();
      stopCamera();
    });

    if (status === "live") startCamera();
    else showState();
    if (live.isOpen()) maybePublish();
    return {
      startCamera: startCamera,
      peers: function () { return Object.keys(peers).length; },
    };
  }

  // --- A viewer's side ------------------------------------------------------------------------

  function watch(root, live) {
    var video = root.querySelector("[data-video-player]");
    var statusEl = root.querySelector("[data-video-status]");
    var unmute = root.querySelector("[data-video-unmute]");
    var servers = iceServers(root);
    var status = root.dataset.sessionStatus || "";
    var pc = null;
    var retry = null;
    var failures = 0;

    function say(state, text) {
      root.dataset.videoState = state;
      statusEl.textContent = text;
    }

    if (!window.RTCPeerConnection) {
      say("no_webrtc", words(root, "NoWebrtc"));
      return null;
    }

    function closePeer() {
      if (pc) pc.close();
      pc = null;
      video.srcObject = null;
      if (unmute) unmute.hidden = true;
    }

    function ask(delay) {
      clearTimeout(retry);
      retry = setTimeout(function () {
        if (status !== "live" || !live.isOpen()) return;
        if (!live.send({ type: "rtc_watch" })) return;
        say("connecting", words(root, "Connecting"));
        // No offer came (the host's page was busy or went away unnoticed): ask once more later.
        retry = setTimeout(function () {
          if (!pc && root.dataset.videoState === "connecting") ask(0);
        }, WATCH_TIMEOUT + jitter(5000));
      }, delay);
    }

    function showStatus() {
      if (status === "ended" || status === "cancelled") {
        clearTimeout(retry);
        closePeer();
        say("ended", words(root, "Ended"));
      } else if (status !== "live") {
        say("not_live", words(root, "NotLive"));
      }
    }

    function answer(sdp) {
      closePeer();
      var connection = new RTCPeerConnection({ iceServers: servers });
      var run = queued();
      pc = connection;
      pc.run = run;
      connection.addEventListener("icecandidate", function (event) {
        if (event.candidate && pc === connection) {
          live.send({ type: "rtc_ice", candidate: candidateJson(event.candidate) });
        }
      });
      connection.addEventListener("track", function (event) {
        if (pc !== connection) return;
        var remote = event.streams[0];
        if (!remote) {
          remote = video.srcObject || new MediaStream();
          remote.addTrack(event.track);
        }
        // Audio and video come as two tracks of one stream: attach it once.
        if (video.srcObject !== remote) video.srcObject = remote;
        video.play().catch(function () {});
      });
      connection.addEventListener("connectionstatechange", function () {
        if (pc !== connection) return;
        if (connection.connectionState === "connected") failures = 0;
        if (connection.connectionState === "failed") {
          closePeer();
          failures += 1;
          say("failed", words(root, "Failed"));
          ask(Math.min(30000, 2000 * failures) + jitter(1000));
        }
      });
      run(function () {
        return connection.setRemoteDescription({ type: "offer", sdp: sdp })
          .then(function () { return connection.createAnswer(); })
          .then(function (description) { return connection.setLocalDescription(description); })
          .then(function () {
            if (pc === connection) live.send({ type: "rtc_answer", sdp: connection.localDescription.sdp });
          });
      });
    }

    video.addEventListener("playing", function () {
      if (!pc) return;
      say("playing", "");
      if (unmute) unmute.hidden = !video.muted;
    });
    if (unmute) {
      unmute.addEventListener("click", function () {
        video.muted = false;
        video.play().catch(function () {});
        unmute.hidden = true;
      });
    }

    function setStatus(next) {
      if (!next) return;
      var was = status;
      status = next;
      if (status === "live" && (was !== "live" || !pc)) ask(jitter(500));
      showStatus();
    }

    live.on("open", function () {
      // A new socket is a new peer for the server: negotiate again once `state` says live.
      closePeer();
    });
    live.on("close", function () { clearTimeout(retry); });
    live.on("state", function (event) {
      status = event.status;
      if (status === "live") ask(jitter(300));
      showStatus();
    });
    live.on("session", function (event) { setStatus(event.status); });
    live.on("rtc_publisher", function (event) {
      if (event.live) return ask(jitter(1000));
      closePeer();
      if (status === "live") say("camera_off", words(root, "CameraOff"));
    });
    live.on("rtc_unavailable", function (event) {
      closePeer();
      say(event.reason, event.message);
      // A seat may free up: ask again now and then, never in step with everyone else.
      if (event.reason === "full") ask(30000 + jitter(15000));
    });
    live.on("rtc_offer", function (event) { answer(event.sdp); });
    live.on("rtc_ice", function (event) {
      var connection = pc;
      if (connection && event.candidate) connection.run(function () { return connection.addIceCandidate(event.candidate); });
    });
    live.on("error", function (event) {
      // Our answer reached a publisher that has gone: ask again.
      if (event.code === "not_watching" && status === "live") ask(1000 + jitter(1000));
    });

    showStatus();
    if (live.isOpen() && status === "live") ask(0);
    return { playing: function () { return !!pc; } };
  }

  // --- Starting ---------------------------------------------------------------------------------

  var sides = { publish: publish, watch: watch };

  function attach(live) {
    document.querySelectorAll("[data-live-video]").forEach(function (root) {
      var side = sides[root.dataset.liveVideo];
      if (side && !root.lapakVideo) root.lapakVideo = side(root, live) || true;
    });
  }

  window.LapakVideo = { publish: publish, watch: watch, attach: attach };

  // The page's script creates the socket after this one runs (deferred scripts run in order) and
  // announces it before starting it, so the handlers above hear its first events.
  document.addEventListener("lapak:live-socket", function (event) { attach(event.detail); });
  if (window.LapakLive && window.LapakLive.current) attach(window.LapakLive.current);
})();
