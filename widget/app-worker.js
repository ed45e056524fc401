// Sealpost's service worker (go-app fills in the version and the list of
// the widget's own files). It keeps those files for repeat visits, and does
// nothing else: it answers only GET requests for them, and leaves every
// other request (the config, keys, the post of a sealed report) to the
// network untouched. A worker in the path of a post hides its upload
// progress from the page, and a cache there could serve a stale config.
const cacheName = "sealpost-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};
const cached = new Set(resourcesToCache.map((r) => new URL(r, self.location).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(cacheName)
      .then((cache) => cache.addAll(resourcesToCache))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== cacheName).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.search = "";
  if (!cached.has(url.href)) return;
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)),
  );
});
