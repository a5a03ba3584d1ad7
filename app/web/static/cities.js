// A city page's sections that load after the page (its timeline, its history): one that
// cannot be loaded says so in its place, and the page's own messages stay as they are.
// No build step; plain ES2020.
"use strict";
document.addEventListener("htmx:beforeSwap", (event) => {
  const section = event.detail.elt;
  if (!event.detail.isError || !section.matches("[data-lazy-error]")) return;
  event.detail.isError = false;
  event.detail.shouldSwap = false;
  const message = document.createElement("p");
  message.className = "muted";
  message.textContent = section.dataset.lazyError;
  section.replaceChildren(message);
});
