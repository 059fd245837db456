// Live counters of the reports dashboard (`reports.live`): every snapshot and delta carries all
// the counters, already suppressed by the server; only their `display` is written, as text.
import { registerRenderer } from "passerelle/live";

function draw(el, data) {
  for (const node of el.querySelectorAll("[data-counter]")) {
    const counter = data[node.dataset.counter];
    if (counter) node.textContent = counter.display;
  }
}

registerRenderer("reports.live", { snapshot: draw, delta: draw });
