// Passerelle live updates: the one client of the /ws/ protocol (ARCHITECTURE.md, "Live updates").
//
// Any element with data-stream and data-key is kept live by the renderer registered for its
// stream. Pages add renderers from their own modules:
//
//   import { registerRenderer } from "passerelle/live";   // import map in base.html
//   registerRenderer("housing.availability", { snapshot(el, data) {…}, delta(el, data) {…} });
//
// Correctness comes from versions, not from the transport: a delta is applied only on top of the
// exact version it follows; a gap, a newer version in a heartbeat or a reconnect asks for a fresh
// snapshot. Data is written with textContent only, never parsed as HTML.

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;
// A subscribe that got no snapshot within this time may be sent again.
const RESUBSCRIBE_AFTER_MS = 5000;
// The server closed the socket because of what this page sent, how many it opened, or because its
// session ended (docs/live-updates.md, "Close codes"): the same page would be refused again, so it
// does not reconnect until it is loaded again (after a logout, that leads to the login). 1009 is the
// server's own "message too big". 4403 (the user's access changed) is the one 44xx code after which
// the page reconnects: its subscriptions are checked again.
const ACCESS_CHANGED = 4403;
const isPolicyClose = (code) => (code >= 4400 && code <= 4499 && code !== ACCESS_CHANGED) || code === 1009;

const renderers = new Map();
// "stream\u0000key" → {stream, key, version, pending, failed, elements: Set<Element>}
const subscriptions = new Map();

let socket = null;
let reconnectAttempt = 0;
let reconnectTimer = null;
let scanQueued = false;
let refused = false;

const subscriptionId = (stream, key) => `${stream}\u0000${key}`;

function setState(state) {
  document.body.dataset.liveState = state;
}

/** Register how elements of one stream are drawn. `snapshot(el, data, message)` replaces the
 * element's content; `delta(el, data, message)` applies one change. Optional:
 * `unsubscribed(el, reason)` when access is lost, `error(el, message)` when refused. */
export function registerRenderer(streamName, renderer) {
  if (typeof renderer?.snapshot !== "function" || typeof renderer?.delta !== "function") {
    throw new TypeError(`Renderer for ${streamName} needs snapshot() and delta().`);
  }
  renderers.set(streamName, renderer);
  scan();
}

/** Look for new or removed live elements (also run automatically when the page changes). */
export function scan() {
  if (scanQueued) return;
  scanQueued = true;
  queueMicrotask(() => {
    scanQueued = false;
    syncSubscriptions();
  });
}

function syncSubscriptions() {
  const seen = new Map();
  for (const el of document.querySelectorAll("[data-stream][data-key]")) {
    const { stream, key } = el.dataset;
    if (!renderers.has(stream)) continue;
    const id = subscriptionId(stream, key);
    if (!seen.has(id)) seen.set(id, { stream, key, elements: new Set() });
    seen.get(id).elements.add(el);
  }
  for (const [id, sub] of subscriptions) {
    if (!seen.has(id)) {
      subscriptions.delete(id);
      send({ unsubscribe: sub.stream, key: sub.key });
    }
  }
  for (const [id, found] of seen) {
    const sub = subscriptions.get(id);
    if (sub) {
      const added = [...found.elements].some((el) => !sub.elements.has(el));
      sub.elements = found.elements;
      // A new element has nothing drawn yet: a fresh snapshot draws every element of the key.
      if (added) requestSnapshot(sub, true);
    } else {
      const created = { ...found, version: null, pending: 0, failed: false };
      subscriptions.set(id, created);
      requestSnapshot(created, true);
    }
  }
  if (subscriptions.size > 0) connect();
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
    return true;
  }
  return false;
}

function requestSnapshot(sub, force = false) {
  const now = Date.now();
  if (!force && sub.pending && now - sub.pending < RESUBSCRIBE_AFTER_MS) return;
  sub.failed = false;
  sub.pending = send({ subscribe: sub.stream, key: sub.key }) ? now : 0;
}

function connect() {
  if (socket || reconnectTimer || refused) return;
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${window.location.host}/ws/`);
  socket = ws;
  if (!document.body.dataset.liveState) setState("connecting");

  ws.addEventListener("open", () => {
    setState("open");
    for (const sub of subscriptions.values()) {
      sub.version = null;
      requestSnapshot(sub, true);
    }
  });
  ws.addEventListener("message", (event) => {
    reconnectAttempt = 0;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    handle(message);
  });
  ws.addEventListener("close", (event) => {
    if (socket !== ws) return;
    socket = null;
    for (const sub of subscriptions.values()) sub.pending = 0;
    if (isPolicyClose(event.code)) {
      refused = true;
      setState("refused");
      console.warn("Live updates stopped by the server:", event.code, event.reason);
      return;
    }
    setState("closed");
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  if (reconnectTimer || subscriptions.size === 0) return;
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** reconnectAttempt);
  // Jitter spreads the reconnections of every open tab after a server restart.
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  reconnectAttempt += 1;
  reconnectTimer = window.setTimeout(() => {
    reconnectTimer = null;
    connect();
  }, delay);
}

function reconnectNow() {
  if (socket || refused) return;
  if (reconnectTimer) {
    window.clearTimeout(reconnectTimer);
    reconnectTimer = null;
  }
  reconnectAttempt = 0;
  if (subscriptions.size > 0) connect();
}

function render(sub, method, ...args) {
  const renderer = renderers.get(sub.stream);
  if (typeof renderer?.[method] !== "function") return;
  for (const el of sub.elements) {
    try {
      renderer[method](el, ...args);
    } catch (error) {
      console.error(`Live renderer ${sub.stream}.${method} failed`, error);
    }
  }
}

function mark(sub, state) {
  for (const el of sub.elements) el.dataset.live = state;
}

function handle(message) {
  const sub = message.stream !== undefined ? subscriptions.get(subscriptionId(message.stream, String(message.key))) : null;
  switch (message.type) {
    case "snapshot":
      if (!sub) return;
      sub.version = message.version;
      sub.pending = 0;
      render(sub, "snapshot", message.data, message);
      mark(sub, "live");
      break;
    case "delta":
      if (!sub || sub.version === null || message.version <= sub.version) return;
      if (message.prev_version !== sub.version) {
        requestSnapshot(sub);
        return;
      }
      sub.version = message.version;
      render(sub, "delta", message.data, message);
      break;
    case "heartbeat":
      for (const { stream, key, version } of message.versions ?? []) {
        const held = subscriptions.get(subscriptionId(stream, String(key)));
        if (held && (held.version === null || version > held.version)) requestSnapshot(held);
      }
      // A subscription the server does not list was lost on the way: ask again.
      for (const held of subscriptions.values()) {
        const listed = (message.versions ?? []).some((v) => v.stream === held.stream && String(v.key) === held.key);
        if (!listed && !held.failed) requestSnapshot(held);
      }
      break;
    case "unsubscribed":
      if (!sub || message.reason === "requested") return;
      sub.version = null;
      sub.failed = true;
      mark(sub, "ended");
      render(sub, "unsubscribed", message.reason, message);
      break;
    case "error":
      if (sub) {
        sub.failed = true;
        sub.pending = 0;
        mark(sub, "error");
        render(sub, "error", message);
      }
      console.warn("Live updates:", message.code, message.message);
      break;
    default:
      break;
  }
}

// --- organisations.membership: the user's own roles, on the profile page ------------------------

const membershipState = new WeakMap();

function membershipText(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function formatDate(el, iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { dateStyle: "long", timeStyle: "short" };
  if (el.dataset.timeZone) options.timeZone = el.dataset.timeZone;
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(date);
  } catch {
    return date.toLocaleString();
  }
}

function membershipItem(el, membership) {
  const item = document.createElement("li");
  item.className = "membership";
  item.dataset.membershipId = String(membership.id);

  const organisation = membership.organisation ?? {};
  const link = membershipText("a", "membership__organisation", organisation.name ?? "");
  const urlPattern = el.dataset.organisationUrl;
  if (urlPattern && organisation.slug) {
    link.href = urlPattern.replace("__slug__", encodeURIComponent(organisation.slug));
  }
  item.append(link, " ");
  item.append(membershipText("span", "membership__kind", organisation.kind_label ?? ""), " ");
  item.append(membershipText("span", "badge membership__role", membership.role_label ?? membership.role ?? ""));

  if (membership.valid_until) {
    const until = membershipText("span", "membership__until", `${el.dataset.untilLabel ?? ""} `);
    const time = document.createElement("time");
    time.dateTime = membership.valid_until;
    time.textContent = formatDate(el, membership.valid_until);
    until.append(time);
    item.append(" ", until);
  }
  return item;
}

function drawMemberships(el) {
  const memberships = [...(membershipState.get(el) ?? new Map()).values()];
  memberships.sort(
    (a, b) =>
      (a.organisation?.name ?? "").localeCompare(b.organisation?.name ?? "") ||
      (a.role ?? "").localeCompare(b.role ?? ""),
  );
  const items = memberships.map((membership) => membershipItem(el, membership));
  if (items.length === 0) {
    items.push(membershipText("li", "membership membership--empty", el.dataset.emptyLabel ?? ""));
  }
  el.replaceChildren(...items);
}

registerRenderer("organisations.membership", {
  snapshot(el, data) {
    const memberships = new Map();
    for (const membership of data ?? []) {
      if (membership.is_active) memberships.set(membership.id, membership);
    }
    membershipState.set(el, memberships);
    drawMemberships(el);
  },
  delta(el, membership) {
    const memberships = membershipState.get(el) ?? new Map();
    if (membership.is_active) {
      memberships.set(membership.id, membership);
    } else {
      memberships.delete(membership.id);
    }
    membershipState.set(el, memberships);
    drawMemberships(el);
  },
});

// --- start -----------------------------------------------------------------------------------------

new MutationObserver((mutations) => {
  for (const mutation of mutations) {
    for (const node of [...mutation.addedNodes, ...mutation.removedNodes]) {
      if (node.nodeType === Node.ELEMENT_NODE && (node.matches("[data-stream]") || node.querySelector("[data-stream]"))) {
        scan();
        return;
      }
    }
  }
}).observe(document.body, { childList: true, subtree: true });

window.addEventListener("online", reconnectNow);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") reconnectNow();
});

scan();
