// Chip inputs (languages, tags): Enter or Add turns the typed text into chips, × removes one.
// Without JavaScript the same buttons submit the form, and the server adds or removes.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-chips]")) {
    const name = box.dataset.chips;
    const list = box.querySelector(".chip-list");
    const input = box.querySelector(".chip-entry input");
    const add = box.querySelector(".chip-entry button");
    const removeLabel = (text) =>
      (box.dataset.removeLabel || "Remove {item}").replace("{item}", text);
    const values = () => [...list.querySelectorAll("input[type=hidden]")].map((i) => i.value);
    const addChips = () => {
      const parts = input.value.split(/[,，、]/).map((p) => p.trim()).filter(Boolean);
      for (const part of parts) {
        if (values().includes(part)) continue;
        const li = document.createElement("li");
        li.className = "chip";
        const hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = part;
        const span = document.createElement("span");
        span.textContent = part;
        const remove = document.createElement("button");
        remove.type = "submit";
        remove.className = "chip-remove";
        remove.name = "_chip";
        remove.value = `remove:${name}:${part}`;
        remove.formNoValidate = true;
        remove.setAttribute("aria-label", removeLabel(part));
        remove.textContent = "×";
        li.append(hidden, span, remove);
        list.append(li);
      }
      input.value = "";
      input.focus();
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        addChips();
      }
    });
    add.addEventListener("click", (event) => {
      event.preventDefault();
      addChips();
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest(".chip-remove");
      if (!button) return;
      event.preventDefault();
      button.closest("li").remove();
      input.focus();
    });
  }
});
