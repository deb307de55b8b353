/* The offline page's retry: a file of its own, since the Content-Security-Policy runs no
 * inline script without the page's nonce (and this page is served from the cache). */
(function () {
  var form = document.getElementById("retry-form");
  form.addEventListener("submit", function (e) { e.preventDefault(); location.reload(); });
  window.addEventListener("online", function () { location.reload(); });
})();
