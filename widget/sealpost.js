// Sealpost loader: one script tag on a vendor's page.
//
//   <script src="https://widget.example.com/sealpost.js"
//           data-config="https://www.example.com/sealpost/config.json" async></script>
//
// data-view="follow" opens it on the page where a reporter follows a report
// sent earlier with its reply code (the widget's page with #follow).
//
// It puts the form, in a sandboxed iframe the host page cannot read into
// (the widget's own origin, or an opaque one), where the tag stands or into the
// element whose id data-target names. Only bounded, plaintext-free messages
// cross from the frame: its height, and "submitted" (report id and sha256),
// re-emitted on the host element as the DOM event "sealpost:submitted".
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    console.error("sealpost: load sealpost.js with a plain <script src> tag: it needs document.currentScript");
    return;
  }
  if (!script.dataset.config) {
    console.error("sealpost: add data-config=\"URL of your config.json\" to the sealpost.js script tag");
    return;
  }
  var base = new URL(".", script.src);
  var configURL = new URL(script.dataset.config, document.baseURI).href;
  var host = document.createElement("div");
  host.className = "sealpost-host";
  var target = script.dataset.target && document.getElementById(script.dataset.target);
  if (script.dataset.target && !target) {
    console.error("sealpost: data-target names no element: #" + script.dataset.target);
    return;
  }
  if (target) {
    target.appendChild(host);
  } else {
    script.parentNode.insertBefore(host, script);
  }
  var frame = document.createElement("iframe");
  frame.src = new URL("?config=" + encodeURIComponent(configURL) + (script.dataset.view === "follow" ? "#follow" : ""), base).href;
  // The frame's title, in the page's language (else the browser's, else
  // English), among the widget's; data-title replaces it.
  // (Names here stay apart from base above: a var is one per function.)
  var titles = /*TITLES*/{};
  var wanted = [document.documentElement.lang].concat(navigator.languages || [navigator.language]);
  frame.title = script.dataset.title || titles.en;
  for (var i = 0; i < wanted.length && !script.dataset.title; i++) {
    var lang = String(wanted[i] || "").toLowerCase().split("-")[0];
    if (Object.prototype.hasOwnProperty.call(titles, lang)) { frame.title = titles[lang]; break; }
  }
  // Served from the page's own origin, the frame gets no allow-same-origin:
  // it runs in an opaque origin, out of the page's reach (and without
  // storage, so its outbox lasts as long as the page). From the widget's
  // own origin it keeps that origin, which the page cannot read into
  // either, and which gives its outbox IndexedDB for the next visit.
  var sandbox = "allow-scripts allow-forms allow-downloads allow-popups allow-popups-to-escape-sandbox";
  if (base.origin !== window.location.origin) sandbox += " allow-same-origin";
  frame.setAttribute("sandbox", sandbox);
  // The receipt's Copy button writes the reply code to the clipboard, which
  // a cross-origin frame may do only when its embedder allows it.
  frame.setAttribute("allow", "clipboard-write");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.minHeight = "40rem";
  host.appendChild(frame);

  window.addEventListener("message", function (e) {
    if (e.source !== frame.contentWindow) return;
    var d = e.data;
    if (!d || typeof d !== "object" || d.sealpost !== 1) return;
    if (d.type === "height" && typeof d.height === "number" && d.height > 0 && d.height < 100000) {
      frame.style.height = Math.ceil(d.height) + "px";
    } else if (d.type === "submitted" && typeof d.id === "string" && /^[A-Za-z0-9_-]{1,100}$/.test(d.id) &&
               typeof d.sha256 === "string" && /^[0-9a-f]{64}$/.test(d.sha256)) {
      host.dispatchEvent(new CustomEvent("sealpost:submitted", {bubbles: true, detail: {id: d.id, sha256: d.sha256}}));
    }
  });
})();
