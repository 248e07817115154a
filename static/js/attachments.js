/* The file upload component, improved: the files chosen are listed with their
 * size and a remove button before the form is sent, choosing again adds to the
 * list instead of replacing it, and a file too large or one too many is
 * refused at once. The server checks everything again; without this file the
 * plain file input works. Texts come from the page (data-* attributes), so
 * they follow its language.
 */
(function () {
  "use strict";

  if (typeof DataTransfer === "undefined") {
    return;
  }

  function sizeText(bytes, units) {
    if (bytes < 1024) {
      return bytes + " " + units[0];
    }
    var decimal = units[3];
    if (bytes < 1024 * 1024) {
      return (bytes / 1024).toFixed(1).replace(".", decimal) + " " + units[1];
    }
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", decimal) + " " + units[2];
  }

  function enhance(group) {
    var input = group.querySelector("input[type=file]");
    if (!input) {
      return;
    }
    var text = group.dataset;
    var maxSize = parseInt(text.maxSize, 10);
    var remaining = parseInt(text.remaining, 10);
    var units = (text.units || "octets Kio Mio").split(" ").concat([text.decimal || ","]);
    var chosen = new DataTransfer();

    var messages = document.createElement("div");
    messages.className = "fr-messages-group";
    messages.id = input.id + "-choix-erreurs";
    messages.setAttribute("aria-live", "polite");
    group.appendChild(messages);
    input.setAttribute(
      "aria-describedby",
      ((input.getAttribute("aria-describedby") || "") + " " + messages.id).trim()
    );

    var listTitle = document.createElement("p");
    listTitle.className = "fr-mb-1w";
    listTitle.id = input.id + "-choisis";
    listTitle.textContent = text.chosenTitle;
    var list = document.createElement("ul");
    list.className = "sc-files";
    list.setAttribute("aria-labelledby", listTitle.id);
    var wrapper = document.createElement("div");
    wrapper.className = "fr-mb-3w";
    wrapper.hidden = true;
    wrapper.appendChild(listTitle);
    wrapper.appendChild(list);
    group.insertAdjacentElement("afterend", wrapper);

    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);

    function showErrors(errors) {
      messages.textContent = "";
      errors.forEach(function (error) {
        var p = document.createElement("p");
        p.className = "fr-message fr-message--error";
        p.textContent = error;
        messages.appendChild(p);
      });
      group.classList.toggle("fr-upload-group--error", errors.length > 0);
    }

    function render() {
      list.textContent = "";
      Array.prototype.forEach.call(chosen.files, function (file, index) {
        var item = document.createElement("li");
        var icon = document.createElement("span");
        icon.className = "fr-icon-file-line fr-icon--sm";
        icon.setAttribute("aria-hidden", "true");
        var size = document.createElement("span");
        size.className = "fr-hint-text sc-inline";
        size.textContent = "(" + sizeText(file.size, units) + ")";
        var button = document.createElement("button");
        button.type = "button";
        button.className =
          "fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-delete-line fr-btn--icon-left";
        button.textContent = text.removeLabel;
        var hidden = document.createElement("span");
        hidden.className = "fr-sr-only";
        hidden.textContent = " " + file.name;
        button.appendChild(hidden);
        button.addEventListener("click", function () {
          remove(index);
        });
        item.appendChild(icon);
        item.appendChild(document.createTextNode(" " + file.name + " "));
        item.appendChild(size);
        item.appendChild(button);
        list.appendChild(item);
      });
      wrapper.hidden = chosen.files.length === 0;
      input.files = chosen.files;
    }

    function remove(index) {
      var kept = new DataTransfer();
      var name = chosen.files[index].name;
      Array.prototype.forEach.call(chosen.files, function (file, i) {
        if (i !== index) {
          kept.items.add(file);
        }
      });
      chosen = kept;
      render();
      status.textContent = text.removedMessage.replace("%(name)s", name);
      var buttons = list.querySelectorAll("button");
      (buttons[Math.min(index, buttons.length - 1)] || input).focus();
    }

    input.addEventListener("change", function () {
      var errors = [];
      Array.prototype.forEach.call(input.files, function (file) {
        if (file.size === 0) {
          errors.push(text.emptyMessage.replace("%(name)s", file.name));
        } else if (file.size > maxSize) {
          errors.push(text.tooLargeMessage.replace("%(name)s", file.name));
        } else if (chosen.files.length >= remaining) {
          errors.push(text.tooManyMessage.replace("%(name)s", file.name));
        } else {
          chosen.items.add(file);
        }
      });
      showErrors(errors);
      render();
    });
  }

  document.querySelectorAll("[data-attachments]").forEach(enhance);
})();
