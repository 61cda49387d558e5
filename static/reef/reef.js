// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) {
    el.form.submit();
  }
});

// A table or chart wider than the screen scrolls in its own box (.table-scroll, the planning
// charts); keyboard users need to reach that box to scroll it, so it takes focus, named by
// the table's caption or the chart's title.
function focusableScrollBoxes() {
  for (const box of document.querySelectorAll(".table-scroll, .funding-chart, .effort-timeline")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      const caption = box.querySelector("caption, svg > title");
      if (caption && caption.textContent.trim()) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption.textContent.trim());
      }
      box.dataset.scrollFocus = "";
    } else if (!scrolls && box.dataset.scrollFocus !== undefined) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollFocus;
    }
  }
}
document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
window.addEventListener("resize", focusableScrollBoxes);
document.addEventListener("htmx:afterSettle", focusableScrollBoxes);

// The main menu folds behind its button on a narrow screen (CSS decides when); the button
// says whether it is open. Without this script the menu is simply always shown.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("header.site .menu-toggle");
  const nav = toggle && toggle.closest("nav");
  if (!toggle || !nav) return;
  nav.classList.add("js-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
});
