/* egov typeahead: turns <select data-typeahead="URL"> into a searchable list (the ARIA 1.2
   combobox pattern, list autocomplete). Suggestions come from the server: GET URL?q=… answers
   {"results": [{"value", "label", "hint"}], "message"}. The select stays in the form, hidden,
   and carries the chosen value; without JavaScript it is the plain select it was. Keys: type
   to search, Down/Up to move, Enter to choose, Escape to close (again: back to the choice),
   Alt+Down to open the list. No dependency, no other host. */
(function () {
  "use strict";
  var count = 0;

  function enhance(select) {
    if (select.dataset.typeaheadReady) return;
    select.dataset.typeaheadReady = "1";
    count += 1;
    var url = select.dataset.typeahead;
    var id = (select.id || "typeahead-" + count);
    var wrap = document.createElement("div");
    wrap.className = "typeahead";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id + "_search";
    input.className = "typeahead-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    input.placeholder = select.dataset.typeaheadPlaceholder || "";
    var list = document.createElement("ul");
    list.id = id + "_listbox";
    list.className = "typeahead-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var hint = document.createElement("span");
    hint.id = id + "_typeahead_hint";
    hint.className = "visually-hidden";
    hint.textContent = select.dataset.typeaheadHint || "";

    // The field's label, help text and errors now describe the text box.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute("aria-labelledby", label.id || (label.id = id + "_label"));
    }
    var described = [select.getAttribute("aria-describedby"), hint.id].filter(Boolean).join(" ");
    input.setAttribute("aria-describedby", described);
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    // A hidden required select would block the form with no message: the box is required.
    if (select.required) { input.required = true; select.required = false; }

    select.hidden = true;
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    wrap.appendChild(hint);
    wrap.appendChild(select);

    var options = [];  // what the list shows: {value, label, hint}
    var active = -1;
    var timer = null;
    var asked = 0;  // the latest request's number: older answers are dropped

    function chosenLabel() {
      var option = select.options[select.selectedIndex];
      return option && option.value ? option.text : "";
    }
    input.value = chosenLabel();

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.children;
      for (var i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results, message) {
      options = results;
      list.textContent = "";
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "_option_" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.index = String(i);
        var name = document.createElement("span");
        name.textContent = item.label;
        li.appendChild(name);
        if (item.hint) {
          var small = document.createElement("span");
          small.className = "typeahead-hint";
          small.textContent = item.hint;
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      status.textContent = message || "";
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function search(query) {
      var number = ++asked;
      var sep = url.indexOf("?") >= 0 ? "&" : "?";
      fetch(url + sep + "q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (number !== asked || !data) return;
          render(data.results || [], data.message);
        })
        .catch(function () { /* the list stays as it was; the form still posts the select */ });
    }

    function choose(index) {
      var item = options[index];
      if (!item) return;
      var option = null;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === item.value) option = select.options[i];
      }
      if (!option) {  // a choice the page did not list (a select of the first few)
        option = new Option(item.label, item.value);
        select.add(option);
      }
      select.value = item.value;
      input.value = item.label;
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value.trim()) {
        if (select.querySelector('option[value=""]')) select.value = "";
        render([], "");
        return;
      }
      timer = setTimeout(function () { search(input.value.trim()); }, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open || event.altKey) { search(input.value.trim()); return; }
          highlight(Math.min(active + 1, options.length - 1));
          break;
        case "ArrowUp":
          event.preventDefault();
          if (open) highlight(active <= 0 ? 0 : active - 1);
          break;
        case "Enter":
          if (open && active >= 0) { event.preventDefault(); choose(active); }
          else if (open) { event.preventDefault(); close(); }
          break;
        case "Escape":
          if (open) { event.preventDefault(); close(); }
          else { input.value = chosenLabel(); }
          break;
        case "Tab":
          close();
          break;
      }
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the focus in the text box
      var li = event.target.closest("li[role=option]");
      if (li) choose(Number(li.dataset.index));
    });

    input.addEventListener("blur", function () {
      close();
      // What the box shows is what the form sends: the choice, or nothing.
      if (input.value.trim() && input.value !== chosenLabel()) input.value = chosenLabel();
    });
  }

  function start(root) {
    (root || document).querySelectorAll("select[data-typeahead]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { start(); });
  else start();
  document.addEventListener("htmx:afterSwap", function (event) { start(event.target); });
})();
