// The header menu (templates/base.html): a <details> that works without JavaScript. This adds
// what a phone user expects of a menu: Escape closes it and gives focus back to its button, a tap
// outside closes it. On wider screens the menu is part of the header, so it stays open.

const menu = document.getElementById("site-menu");
const wide = window.matchMedia("(min-width: 48em)");

function fitScreen() {
  menu.open = wide.matches;
}

if (menu) {
  const toggle = menu.querySelector("summary");
  fitScreen();
  wide.addEventListener("change", fitScreen);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || wide.matches || !menu.open) return;
    menu.open = false;
    toggle.focus();
  });

  document.addEventListener("click", (event) => {
    if (wide.matches || !menu.open || menu.contains(event.target)) return;
    menu.open = false;
  });
}
