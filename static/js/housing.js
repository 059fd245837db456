// Live housing availability: keeps the board's cards, a site's beds and the provider's page true.
//
// Every message of the `housing.availability` stream (snapshot or delta) carries the whole
// availability of one site, so both are drawn the same way. Text is only ever written with
// textContent; the words (bed statuses, room kinds) come from the page, in its language.
import { registerRenderer } from "passerelle/live";

const STREAM = "housing.availability";
const AVAILABLE = "available";
const FAMILY_UNIT = "family_unit";

function readLabels() {
  const node = document.getElementById("housing-labels");
  if (!node) return { status: {}, room_kind: {} };
  try {
    return JSON.parse(node.textContent);
  } catch {
    return { status: {}, room_kind: {} };
  }
}

const labels = readLabels();

/** The numbers the page shows; the server computes the same in housing.selectors.site_summary. */
function summarise(data) {
  const units = new Map();
  let sharedTotal = 0;
  let sharedFree = 0;
  for (const bed of data.beds ?? []) {
    if (bed.room_kind === FAMILY_UNIT) {
      if (!units.has(bed.room)) units.set(bed.room, []);
      units.get(bed.room).push(bed.status);
    } else {
      sharedTotal += 1;
      if (bed.status === AVAILABLE) sharedFree += 1;
    }
  }
  let unitsFree = 0;
  for (const statuses of units.values()) {
    if (statuses.every((status) => status === AVAILABLE)) unitsFree += 1;
  }
  return {
    family_units_total: units.size,
    family_units_free: unitsFree,
    shared_beds_total: sharedTotal,
    shared_beds_free: sharedFree,
    ...(data.counts ?? {}),
  };
}

function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { dateStyle: "long", timeStyle: "short" };
  if (labels.time_zone) options.timeZone = labels.time_zone;
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(date);
  } catch {
    return date.toLocaleString();
  }
}

function text(tag, className, content) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = content;
  return node;
}

/** The read-only list of rooms and beds, the same markup as housing/includes/bed_list.html. */
function roomItems(beds) {
  const rooms = [];
  for (const bed of beds) {
    if (rooms.length === 0 || rooms[rooms.length - 1].name !== bed.room) {
      rooms.push({ name: bed.room, kind: bed.room_kind, beds: [] });
    }
    rooms[rooms.length - 1].beds.push(bed);
  }
  return rooms.map((room) => {
    const item = document.createElement("li");
    item.className = "housing-room";
    const head = document.createElement("p");
    head.className = "housing-room__head";
    head.append(
      text("span", "housing-room__name", room.name),
      " ",
      text("span", "housing-room__kind", labels.room_kind?.[room.kind] ?? room.kind),
    );
    const list = document.createElement("ul");
    list.className = "housing-room__beds";
    for (const bed of room.beds) {
      const row = document.createElement("li");
      row.className = `housing-bed housing-bed--${bed.status}`;
      row.append(
        text("span", "housing-bed__label", bed.label),
        " ",
        text("span", "housing-bed__status", labels.status?.[bed.status] ?? bed.status),
      );
      list.append(row);
    }
    item.append(head, list);
    return item;
  });
}

/** A bed drawn by the server (site page, provider page): its status, and what may be done. */
function drawBedRow(row, bed) {
  for (const className of [...row.classList]) {
    if (className.startsWith("housing-bed--")) row.classList.remove(className);
  }
  row.classList.add(`housing-bed--${bed.status}`);
  const status = row.querySelector("[data-bed-status]");
  if (status) status.textContent = labels.status?.[bed.status] ?? bed.status;
  const choice = row.querySelector("input[type=checkbox]");
  if (choice) {
    const free = bed.status === AVAILABLE;
    // A bed taken by someone else cannot be chosen any more; the hold would be refused anyway.
    if (!free) choice.checked = false;
    choice.disabled = !free;
  }
  for (const node of row.querySelectorAll("[data-show-if]")) {
    // A form showing a refusal stays in view: its message is what the person needs to read.
    if (node.querySelector(".errorlist, .alert--error")) continue;
    node.hidden = node.dataset.showIf !== bed.status;
  }
}

function draw(el, data) {
  if (!data) return;
  const summary = summarise(data);
  for (const node of el.querySelectorAll("[data-count]")) {
    node.textContent = String(summary[node.dataset.count] ?? 0);
  }
  for (const node of el.querySelectorAll("[data-free]")) {
    const kind = node.dataset.free;
    node.hidden = (summary[`${kind}_total`] ?? 0) === 0;
    node.classList.toggle("housing-free__item--none", (summary[`${kind}_free`] ?? 0) === 0);
  }
  const confirmed = data.site?.last_confirmed_at ?? null;
  for (const node of el.querySelectorAll("[data-last-confirmed]")) {
    if (confirmed) {
      node.dateTime = confirmed;
      node.textContent = formatDateTime(confirmed);
    } else {
      node.removeAttribute("datetime");
      node.textContent = labels.never_confirmed ?? "";
    }
  }
  for (const list of el.querySelectorAll("[data-bed-list]")) {
    list.replaceChildren(...roomItems(data.beds ?? []));
  }
  const beds = new Map((data.beds ?? []).map((bed) => [String(bed.id), bed]));
  for (const row of el.querySelectorAll("[data-bed-id]")) {
    const bed = beds.get(row.dataset.bedId);
    if (bed) drawBedRow(row, bed);
  }
  // Names of holds and stays never travel on this stream: when their number changes, say so.
  const notice = el.querySelector("[data-changed-notice]");
  if (notice && el.dataset.held !== undefined) {
    const changed =
      String(summary.held ?? 0) !== el.dataset.held || String(summary.occupied ?? 0) !== el.dataset.occupied;
    notice.hidden = !changed;
  }
}

registerRenderer(STREAM, {
  snapshot(el, data) {
    draw(el, data);
  },
  delta(el, data) {
    draw(el, data);
  },
});

// Countdowns to a hold's end ("ends in 1 h 25 min"), refreshed every 30 seconds. Without
// JavaScript the page still shows the end time the server wrote beside it.
function drawCountdowns() {
  const now = Date.now();
  for (const node of document.querySelectorAll("[data-countdown]")) {
    const minutes = Math.ceil((Date.parse(node.dataset.countdown) - now) / 60000);
    if (Number.isNaN(minutes)) continue;
    if (minutes <= 0) {
      node.textContent = labels.countdown_over ?? "";
      continue;
    }
    const hours = Math.floor(minutes / 60);
    const duration = hours ? `${hours} h ${String(minutes % 60).padStart(2, "0")} min` : `${minutes} min`;
    node.textContent = (labels.countdown ?? "%(time)s").replace("%(time)s", duration);
  }
}

drawCountdowns();
setInterval(drawCountdowns, 30000);
