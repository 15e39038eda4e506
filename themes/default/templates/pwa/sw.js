/* Gongzhi's service worker (portal/core/pwa.py; docs/ui.md, "Installable on a phone").
 *
 * It keeps the app shell only: the stylesheets, the script, the icons and the offline page in
 * each language and theme. Pages are never kept: a page always comes from the network, and if
 * the network fails the phone shows the offline page in the language and theme of the last
 * page the person saw. Nothing a person was served is stored on the phone.
 */
"use strict";

var CACHE = "{{ cache_name|escapejs }}";
var OFFLINE = [{% for url in offline_urls %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGE = {lang: "{{ default_language|escapejs }}", theme: "{{ default_theme|escapejs }}"};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // Without cookies: the shell is the same for everyone.
      var requests = OFFLINE.concat(SHELL).map(function (url) {
        return new Request(url, {credentials: "omit"});
      });
      return cache.addAll(requests);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("gongzhi-") === 0 && name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

// Each page tells the worker its language and theme (js/portal.js), for the offline page.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.page && typeof data.page.lang === "string" && typeof data.page.theme === "string") {
    PAGE = {lang: data.page.lang, theme: data.page.theme};
  }
});

function offlinePage() {
  var wanted = "?lang=" + PAGE.lang + "&theme=" + PAGE.theme;
  var url = OFFLINE.filter(function (u) { return u.slice(-wanted.length) === wanted; })[0] || OFFLINE[0];
  return caches.open(CACHE).then(function (cache) {
    return cache.match(url);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) {
          return hit || fetch(request);
        });
      })
    );
  }
});
