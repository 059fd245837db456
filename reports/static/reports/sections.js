// On a phone the dashboard opens with its sections folded: the headline figures and each
// section's title fit in a few screens, and a tap opens the section wanted. Printing opens all.
const sections = document.querySelectorAll(".report-section > details");
if (window.matchMedia("(max-width: 40rem)").matches) {
  for (const section of sections) section.open = false;
}
window.addEventListener("beforeprint", () => {
  for (const section of sections) section.open = true;
});
