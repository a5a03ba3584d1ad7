// The few behaviours the pages need beyond htmx. No build step; plain ES2020.
"use strict";
// A form sent by htmx that the server refuses (422) comes back with its inline errors: swap
// it in like a success. Other errors keep the page as it is and show a message (below).
if (window.htmx) {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: true },
  ];
}
document.addEventListener("DOMContentLoaded", () => {
  // The main menu folds away on a phone: the Menu button opens and closes it.
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }
});
// A page replaced by htmx may bring its own messages: announce them in the status area.
document.addEventListener("htmx:responseError", (event) => {
  const flashes = document.getElementById("flashes");
  const message = document.querySelector('meta[name="htmx-error-message"]');
  if (flashes && message) {
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = message.content;
    flashes.replaceChildren(p);
  }
});
// A part swapped by htmx that took the focused button away (Today's follow-ups after "done")
// marks where the focus goes instead, so a keyboard user keeps their place.
document.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-focus-after-swap]");
  if (target) {
    target.removeAttribute("data-focus-after-swap");
    if (!document.activeElement || document.activeElement === document.body) {
      target.focus();
    }
  }
});
