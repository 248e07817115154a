/* Small improvements to the report wizard; every page works without this file.
 *
 * - a live count of the characters left in long texts (textarea[data-counter]);
 * - company search as you type, showing the same choice list as the server.
 */
(function () {
  "use strict";

  function counter(textarea) {
    var max = parseInt(textarea.getAttribute("data-counter"), 10);
    var output = document.createElement("p");
    output.className = "fr-hint-text fr-mt-1w";
    output.id = textarea.id + "-compteur";
    output.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", output);
    var describedBy = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + output.id);
    function update() {
      var left = max - textarea.value.length;
      output.textContent = left >= 0
        ? left + " caractère" + (left > 1 ? "s" : "") + " restant" + (left > 1 ? "s" : "")
        : (-left) + " caractère" + (-left > 1 ? "s" : "") + " en trop";
    }
    textarea.addEventListener("input", update);
    update();
  }

  function searchAsYouType(form) {
    var query = form.querySelector("input[name=q]");
    var postalCode = form.querySelector("input[name=code_postal]");
    var target = document.getElementById("resultats-direct");
    var template = document.getElementById("modele-resultats");
    if (!query || !target || !template) { return; }
    var timer = null;
    var latest = 0;

    function show(results, status) {
      var fragment = template.content.cloneNode(true);
      var list = fragment.querySelector("[data-results]");
      var legend = fragment.querySelector("legend");
      legend.textContent = status;
      results.forEach(function (company) {
        var item = fragment.querySelector("[data-result]").cloneNode(true);
        var input = item.querySelector("input");
        var label = item.querySelector("label");
        input.id = "direct-" + company.siret;
        input.value = company.siret;
        label.htmlFor = input.id;
        label.firstChild.textContent = company.name + (company.brand && company.brand !== company.name ? " (" + company.brand + ")" : "");
        label.querySelector(".fr-hint-text").textContent =
          company.address.join(", ") + " — SIRET " + company.siret +
          (company.is_head_office ? " — siège social" : "") + (company.is_open ? "" : " — fermé");
        list.appendChild(item);
      });
      fragment.querySelector("[data-result]").remove();
      if (!results.length) { fragment.querySelector("[data-choose]").remove(); }
      target.replaceChildren(fragment);
    }

    function run() {
      var text = query.value.trim();
      if (text.length < 2) { target.replaceChildren(); return; }
      var ticket = ++latest;
      var url = form.getAttribute("data-api") + "?q=" + encodeURIComponent(text) +
        "&code_postal=" + encodeURIComponent(postalCode ? postalCode.value.trim() : "");
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (ticket !== latest) { return; }
          if (data.error) { show([], data.error); return; }
          var count = data.results.length;
          var status = count ? count + (count > 1 ? " établissements trouvés" : " établissement trouvé")
                             : "Aucun établissement ne correspond pour l’instant.";
          show(data.results, data.hint ? data.hint + " " + status : status);
        })
        .catch(function () { /* the search button still works */ });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 300);
    }
    query.addEventListener("input", schedule);
    if (postalCode) { postalCode.addEventListener("input", schedule); }
  }

  document.querySelectorAll("textarea[data-counter]").forEach(counter);
  document.querySelectorAll("form[data-api]").forEach(searchAsYouType);
})();
