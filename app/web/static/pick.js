// The multi-select typeahead of templates/pick/_macros.html. No build step; plain ES2020.
// Type to ask GET /pick/{kind}?q= for options; ArrowDown/ArrowUp move, Enter (or a click)
// adds the option as a chip with a hidden input; × or Backspace in the empty box removes one.
// Without the script the picker is a plain form (its box and Search button ask the server,
// its chips are ticked checkboxes): the script makes those chips and hides the buttons.
"use strict";
(() => {
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : ""));

  function setUp(root) {
    const input = root.querySelector("[role=combobox]");
    const list = root.querySelector("[role=listbox]");
    const chips = root.querySelector(".chips");
    const announce = root.querySelector("[data-announce]");
    const name = root.dataset.name;
    let timer = null;
    let active = -1;
    let asked = 0;

    const say = (text) => { announce.textContent = text; };
    const chosenIds = () => new Set([...chips.querySelectorAll("input")].map((i) => i.value));
    const choices = () => [...list.querySelectorAll("[role=option][data-id]")];

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const items = choices();
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    let waiting = false; // typed, the answer not in yet
    let enterWaiting = false; // Enter pressed meanwhile: choose the first answer then

    function enter() {
      const items = choices();
      if (items.length) add(items[Math.max(active, 0)]);
      else if (input.value.trim()) {
        // Nothing to add: say so, and select the text so that typing replaces it.
        close();
        warn(fill(root.dataset.noMatch, { text: input.value.trim() }));
        input.select();
      }
    }

    async function ask() {
      const q = input.value.trim();
      if (!q) { waiting = false; close(); return; }
      const ticket = ++asked;
      const response = await fetch(`/pick/${root.dataset.kind}?q=${encodeURIComponent(q)}`, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (ticket !== asked) return;
      waiting = false;
      if (!response.ok) { enterWaiting = false; return; }
      list.innerHTML = await response.text();
      const taken = chosenIds();
      choices().forEach((item) => { if (taken.has(item.dataset.id)) item.remove(); });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(choices().length ? 0 : -1);
      say(fill(root.dataset.count, { count: choices().length }));
      if (enterWaiting) { enterWaiting = false; enter(); }
    }

    const leftover = root.querySelector("[data-leftover-message]");
    function warn(text) {
      leftover.textContent = text;
      leftover.hidden = !text;
      if (text) input.setAttribute("aria-invalid", "true");
      else if (!root.classList.contains("has-error")) input.removeAttribute("aria-invalid");
    }

    // A chip for the record `id` called `label` (nothing if it is there already).
    function addChoice(id, label, { quiet = false } = {}) {
      if (!id || chosenIds().has(String(id))) return false;
      if ("single" in root.dataset) chips.replaceChildren();
      const chip = document.createElement("li");
      chip.className = "chip";
      const text = document.createElement("span");
      text.textContent = label;
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = String(id);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", fill(root.dataset.remove, { name: label }));
      chip.append(text, hidden, remove);
      chips.append(chip);
      if (!quiet) say(fill(root.dataset.added, { name: label }));
      return true;
    }
    root.pickerAdd = addChoice;

    // The page's chips are ticked checkboxes (they work without the script): made chips here.
    const initial = [...chips.querySelectorAll(".chip")].map((chip) => {
      chip.remove();
      const box = chip.querySelector("input[type=checkbox]");
      return box && box.checked ? [box.value, chip.dataset.label] : null;
    });
    initial.forEach((choice) => { if (choice) addChoice(choice[0], choice[1], { quiet: true }); });
    root.querySelectorAll("[data-pick-search]").forEach((button) => { button.hidden = true; });

    // The cities the chosen contacts bring: listed, not removable (the contact's removal
    // takes its city away), since the server links them whatever the form sends.
    const fromList = root.querySelector("[data-from-contacts]");
    if (fromList) {
      const fromBox = root.querySelector("[data-from-contacts-box]");
      const sync = () => { fromBox.hidden = !fromList.children.length; };
      root.pickerFrom = (contactId, city, contact) => {
        if (fromList.querySelector(`[data-contact-id="${contactId}"]`)) return;
        const item = document.createElement("li");
        item.dataset.contactId = contactId;
        const cityText = document.createElement("span");
        cityText.className = "from-city";
        cityText.textContent = city;
        const from = document.createElement("span");
        from.className = "muted";
        from.textContent = fill(root.dataset.from, { contact });
        item.append(cityText, " ", from);
        fromList.append(item);
        sync();
      };
      root.pickerUnfrom = (contactId) => {
        fromList.querySelectorAll(`[data-contact-id="${contactId}"]`).forEach((i) => i.remove());
        sync();
      };
    }

    // The form's city picker, into which this (contact) picker lists its contacts' cities.
    function citiesPicker() {
      const into = root.dataset.citiesInto;
      if (!into) return null;
      const form = root.closest("form") || document;
      return form.querySelector(`[data-picker][data-name="${into}"]`);
    }

    function add(item) {
      if (!item || chosenIds().has(item.dataset.id)) return;
      addChoice(item.dataset.id, item.dataset.label);
      // A contact's city is shown in the form's city picker at once, as "from" the contact.
      const cities = citiesPicker();
      if (cities && cities.pickerFrom && item.dataset.cityId) {
        cities.pickerFrom(item.dataset.id, item.dataset.cityName, item.dataset.label);
      }
      input.value = "";
      warn("");
      close();
      input.focus();
    }

    function removeChip(chip) {
      const label = chip.querySelector("span").textContent;
      const id = chip.querySelector("input").value;
      chip.remove();
      const cities = citiesPicker();
      if (cities && cities.pickerUnfrom) cities.pickerUnfrom(id);
      input.focus();
      say(fill(root.dataset.removed, { name: label }));
    }

    // Text typed but never chosen is not silently dropped: the form says so and stays.
    const form = root.closest("form");
    if (form) {
      form.addEventListener("submit", (event) => {
        const text = input.value.trim();
        if (!text) { warn(""); return; }
        event.preventDefault();
        event.stopImmediatePropagation();
        warn(fill(root.dataset.leftover, { text }));
        input.focus();
        input.select();
      });
    }

    input.addEventListener("input", () => {
      warn("");
      waiting = true;
      enterWaiting = false;
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", (event) => {
      const items = choices();
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submits the form half-filled
        if (waiting) enterWaiting = true;
        else enter();
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && input.value === "") {
        const last = chips.querySelector(".chip:last-child");
        if (last) removeChip(last);
      }
    });
    input.addEventListener("blur", () => setTimeout(() => {
      if (!root.contains(document.activeElement)) close();
    }, 200));
    list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
    list.addEventListener("click", (event) => {
      const item = event.target.closest("[role=option][data-id]");
      if (item) add(item);
    });
    chips.addEventListener("click", (event) => {
      const button = event.target.closest(".chip-remove");
      if (button) removeChip(button.closest(".chip"));
    });
  }

  // A checkbox with data-reveal="id" shows the element with that id while it is checked.
  function setUpReveal(box) {
    const target = document.getElementById(box.dataset.reveal);
    if (!target) return;
    const sync = () => { target.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  }

  // Selecting rows: a "select all" box checks every box of its group.
  function setUpSelectAll(box) {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[type=checkbox][data-group="${box.dataset.selectAll}"]`)
        .forEach((other) => { other.checked = box.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-picker]").forEach(setUp);
    document.querySelectorAll("input[data-reveal]").forEach(setUpReveal);
    document.querySelectorAll("input[data-select-all]").forEach(setUpSelectAll);
  });
})();
