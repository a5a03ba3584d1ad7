// The multi-select typeahead of templates/pick/_macros.html. No build step; plain ES2020.
// Type to ask GET /pick/{kind}?q= for options; ArrowDown/ArrowUp move, Enter (or a click)
// adds the option as a chip with a hidden input; × or Backspace in the empty box removes one.
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

    function add(item) {
      if (!item || chosenIds().has(item.dataset.id)) return;
      addChoice(item.dataset.id, item.dataset.label);
      // A contact's city goes into the form's city picker at once (removable there).
      const into = root.dataset.citiesInto;
      if (into && item.dataset.cityId) {
        const form = root.closest("form") || document;
        const cities = form.querySelector(`[data-picker][data-name="${into}"]`);
        if (cities && cities.pickerAdd) cities.pickerAdd(item.dataset.cityId, item.dataset.cityName, { quiet: true });
      }
      input.value = "";
      warn("");
      close();
      input.focus();
    }

    function removeChip(chip) {
      const label = chip.querySelector("span").textContent;
      chip.remove();
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
