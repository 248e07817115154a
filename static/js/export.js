/* The export's waiting page: asks every few seconds whether the file is
   ready and says so in the page's status region, without reloading the page
   (a page that reloads itself is a trap for screen readers and keyboards). */
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box) { return; }
  var message = box.querySelector("[data-export-message]");
  var tries = 0;

  function done(text) {
    var ready = box.querySelector("[data-export-ready]").content.cloneNode(true);
    message.textContent = text + " ";
    message.appendChild(ready);
    var refresh = box.querySelector("[data-export-refresh]");
    if (refresh) { refresh.remove(); }
  }

  function ask() {
    tries += 1;
    fetch(box.getAttribute("data-export-status"), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "done") { done("Votre fichier est prêt."); }
        else if (data.status === "failed") { done("L’export a échoué."); }
        else if (tries < 200) { window.setTimeout(ask, 3000); }
      })
      .catch(function () { /* the link still reloads the page */ });
  }
  window.setTimeout(ask, 2000);
})();
