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

    async function ask() {
      const q = input.value.trim();
      if (!q) { close(); return; }
      const ticket = ++asked;
      const response = await fetch(`/pick/${root.dataset.kind}?q=${encodeURIComponent(q)}`, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (ticket !== asked || !response.ok) return;
      list.innerHTML = await response.text();
      const taken = chosenIds();
      choices().forEach((item) => { if (taken.has(item.dataset.id)) item.remove(); });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(choices().length ? 0 : -1);
      say(fill(root.dataset.count, { count: choices().length }));
    }

    function add(item) {
      if (!item || chosenIds().has(item.dataset.id)) return;
      const label = item.dataset.label;
      const chip = document.createElement("li");
      chip.className = "chip";
      const text = document.createElement("span");
      text.textContent = label;
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = item.dataset.id;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", fill(root.dataset.remove, { name: label }));
      chip.append(text, hidden, remove);
      chips.append(chip);
      input.value = "";
      close();
      input.focus();
      say(fill(root.dataset.added, { name: label }));
    }

    function removeChip(chip) {
      const label = chip.querySelector("span").textContent;
      chip.remove();
      input.focus();
      say(fill(root.dataset.removed, { name: label }));
    }

    input.addEventListener("input", () => {
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
        if (items.length) add(items[Math.max(active, 0)]);
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
