// The funder report's "Print or save as PDF" button. The button is hidden until this script
// shows it (it does nothing without JavaScript), and the Content-Security-Policy refuses inline
// handlers such as onclick.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
