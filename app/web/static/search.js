// The header's search-as-you-type (templates/search/_suggest.html, which htmx puts under the
// box and which loads this file): ArrowDown and ArrowUp move through the suggestions, Escape
// closes them, leaving the search form closes them, and each answer replaces the one before.
// No build step; plain ES2020.
"use strict";
(() => {
  if (window.crmSearchSuggestions) return; // loaded again with each answer: set up once
  window.crmSearchSuggestions = true;

  const box = () => document.getElementById("site-search");
  const close = () => {
    document.querySelectorAll(".search-form .search-suggestions").forEach((p) => p.remove());
  };

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.elt === box()) close();
  });

  document.addEventListener("keydown", (event) => {
    const input = box();
    const panel = input && input.form.querySelector(".search-suggestions");
    if (!panel) return;
    const links = [...panel.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.target !== input && at < 0) return;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      input.focus();
    } else if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at > 0 ? links[at - 1] : input).focus();
    }
  });

  document.addEventListener("focusout", (event) => {
    const input = box();
    if (input && input.form.contains(event.target) && !input.form.contains(event.relatedTarget)) {
      close();
    }
  });
})();
