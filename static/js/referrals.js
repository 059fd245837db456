// Live referral pages: the inbox list and the referral detail (stream "referrals.inbox", one key
// per organisation). The snapshot holds the organisation's open referrals, a delta one referral,
// both as the REST list serializer gives them.
//
// Labels come from the page (data-labels, in the page's language), never from the payload, whose
// labels are in the language of whoever made the change. Text is written with textContent only.

import { registerRenderer } from "passerelle/live";

const OPEN = new Set(["sent", "info_requested", "accepted", "in_progress"]);
const CLOSED = new Set(["completed", "declined", "cancelled", "expired"]);
const WAITING = new Set(["sent"]);
// The snapshot is capped on the server; beyond it, it is not the whole list.
const SNAPSHOT_CAP = 200;

// --- helpers -------------------------------------------------------------------------------------

const labelsCache = new WeakMap();

function labels(el) {
  if (!labelsCache.has(el)) {
    let parsed = {};
    try {
      parsed = JSON.parse(el.dataset.labels || "{}");
    } catch {
      parsed = {};
    }
    labelsCache.set(el, parsed);
  }
  return labelsCache.get(el);
}

function label(el, group, code) {
  return labels(el)[group]?.[code] ?? code ?? "";
}

function word(el, key) {
  return labels(el).words?.[key] ?? "";
}

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function formatDateTime(el, iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = { dateStyle: "short", timeStyle: "short" };
  if (el.dataset.timeZone) options.timeZone = el.dataset.timeZone;
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(date);
  } catch {
    return date.toLocaleString();
  }
}

function isOverdue(referral) {
  return WAITING.has(referral.status) && new Date(referral.respond_by).getTime() < Date.now();
}

// --- the inbox -----------------------------------------------------------------------------------

/** Whether a referral belongs in a tab of this organisation (the server's rules, selectors._tab_filters). */
function inTab(tab, referral, organisationId, userId) {
  const received = referral.recipient?.id === organisationId;
  const sent = referral.sender?.id === organisationId;
  switch (tab) {
    case "new":
      return received && (referral.status === "sent" || referral.status === "info_requested") && !referral.assignee;
    case "waiting":
      return (received && WAITING.has(referral.status)) || (sent && referral.status === "info_requested");
    case "mine":
      return received && OPEN.has(referral.status) && referral.assignee?.id === userId;
    case "overdue":
      return received && isOverdue(referral);
    case "accepted":
      return (received || sent) && (referral.status === "accepted" || referral.status === "in_progress");
    case "closed":
      return (received || sent) && CLOSED.has(referral.status);
    case "sent":
      return sent;
    default:
      return false;
  }
}

// Tabs whose every row is open: the live state of open referrals gives their counts.
const COUNTED_TABS = ["new", "waiting", "mine", "overdue", "accepted"];

const inboxState = new WeakMap();

function inboxContext(el) {
  return {
    tab: el.dataset.tab,
    organisationId: Number(el.dataset.organisationId),
    userId: Number(el.dataset.userId),
  };
}

/** One row: the same markup as referrals/includes/inbox_row.html. */
function inboxRow(el, referral) {
  const { organisationId } = inboxContext(el);
  const overdue = isOverdue(referral);
  const item = node("li", `referral-row${overdue ? " referral-row--overdue" : ""}`);
  item.dataset.referralId = String(referral.id);
  item.dataset.version = String(referral.version);

  const head = node("div", "referral-row__head");
  const link = node("a", "referral-row__title");
  link.href = (el.dataset.detailUrl || "").replace(/\/0\/$/, `/${encodeURIComponent(referral.id)}/`);
  if (referral.person_name) {
    link.textContent = referral.person_name;
  } else {
    link.append(node("span", "referral-row__hidden", word(el, "name_not_shared")));
  }
  const status = node("span", `status-badge status-badge--${referral.status}`, label(el, "status", referral.status));
  status.dataset.role = "status";
  head.append(link, " ", status);

  const about = node("ul", "inline-list referral-row__meta");
  about.append(node("li", "", label(el, "need", referral.need_category)));
  const urgencyClass = referral.urgency === "immediate" ? "referral-row__urgency--immediate" : "";
  about.append(node("li", urgencyClass, label(el, "urgency", referral.urgency)));
  const outgoing = referral.sender?.id === organisationId;
  const party = outgoing
    ? `${word(el, "to")} ${referral.recipient?.name ?? ""}`
    : `${word(el, "from")} ${referral.sender?.name ?? ""}`;
  about.append(node("li", "", party));

  const when = node("ul", "inline-list referral-row__meta");
  if (referral.status === "info_requested") {
    when.append(node("li", "", word(el, "deadline_paused")));
  } else if (WAITING.has(referral.status)) {
    const deadline = node("li", "", `${word(el, "respond_by")} `);
    const time = node("time", "", formatDateTime(el, referral.respond_by));
    time.dateTime = referral.respond_by;
    deadline.append(time);
    when.append(deadline);
  }
  if (overdue) {
    const badge = node("li");
    badge.append(node("span", "badge badge--danger", word(el, "overdue")));
    when.append(badge);
  }
  if (referral.assignee) {
    when.append(node("li", "", `${word(el, "assigned_to")} ${referral.assignee.full_name ?? ""}`));
  }

  item.append(head, about, when);
  return item;
}

/** Put the row where it belongs (newest first), replace it, or take it out. */
function placeRow(el, referral) {
  const { tab, organisationId, userId } = inboxContext(el);
  const existing = el.querySelector(`:scope > li[data-referral-id="${CSS.escape(String(referral.id))}"]`);
  if (existing && Number(existing.dataset.version) > referral.version) return;
  if (!inTab(tab, referral, organisationId, userId)) {
    existing?.remove();
    return;
  }
  const row = inboxRow(el, referral);
  if (existing) {
    existing.replaceWith(row);
    return;
  }
  // A later page of the list only updates what it shows; new referrals belong on the first page.
  if (el.dataset.paged === "true") return;
  const after = [...el.querySelectorAll(":scope > li[data-referral-id]")].find(
    (other) => Number(other.dataset.referralId) < referral.id,
  );
  el.insertBefore(row, after ?? null);
  row.classList.add("referral-row--new");
}

function refreshInboxChrome(el) {
  const emptyNote = el.dataset.emptyId ? document.getElementById(el.dataset.emptyId) : null;
  if (emptyNote) emptyNote.hidden = el.querySelector(":scope > li[data-referral-id]") !== null;

  const state = inboxState.get(el);
  if (!state || state.truncated) return;
  const { organisationId, userId } = inboxContext(el);
  for (const tab of COUNTED_TABS) {
    const badge = document.querySelector(`[data-count-for="${tab}"]`);
    if (!badge) continue;
    let count = 0;
    for (const referral of state.open.values()) {
      if (inTab(tab, referral, organisationId, userId)) count += 1;
    }
    badge.textContent = String(count);
    badge.classList.toggle("count-badge--zero", count === 0);
  }
}

const inboxRenderer = {
  snapshot(el, data) {
    const referrals = Array.isArray(data) ? data : [];
    const open = new Map(referrals.map((referral) => [referral.id, referral]));
    const truncated = referrals.length >= SNAPSHOT_CAP;
    inboxState.set(el, { open, truncated });
    const { tab } = inboxContext(el);
    for (const referral of referrals) placeRow(el, referral);
    // Rows of the open-only tabs that the snapshot no longer holds were closed meanwhile.
    if (COUNTED_TABS.includes(tab) && !truncated) {
      for (const row of el.querySelectorAll(":scope > li[data-referral-id]")) {
        if (!open.has(Number(row.dataset.referralId))) row.remove();
      }
    }
    refreshInboxChrome(el);
  },
  delta(el, referral) {
    if (!referral || typeof referral.id !== "number") return;
    const state = inboxState.get(el);
    if (state) {
      if (OPEN.has(referral.status)) state.open.set(referral.id, referral);
      else state.open.delete(referral.id);
    }
    placeRow(el, referral);
    refreshInboxChrome(el);
  },
};

// --- the referral page -----------------------------------------------------------------------------

const refreshing = new WeakMap();

function userHasTyped(part) {
  return [...part.querySelectorAll("textarea, input[type=text]")].some((field) => field.value.trim() !== "");
}

/** Fetch the page again and swap in its live parts; a part where the user is typing is kept,
 * and a notice says the referral changed. */
async function refreshReferral(el) {
  if (refreshing.get(el)) {
    refreshing.set(el, "again");
    return;
  }
  refreshing.set(el, true);
  try {
    const response = await fetch(el.dataset.refreshUrl, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) {
      showChangedNotice();
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    let kept = null;
    for (const part of document.querySelectorAll("[data-live-part][id]")) {
      const replacement = fresh.getElementById(part.id);
      if (!replacement) continue;
      if (part.hasAttribute("data-keep-if-typed") && userHasTyped(part)) {
        kept = part;
        continue;
      }
      part.replaceWith(document.importNode(replacement, true));
    }
    const freshLive = fresh.getElementById(el.id);
    if (freshLive && !kept) el.dataset.version = freshLive.dataset.version;
    document.getElementById("referral-conflict")?.remove();
    if (kept) showChangedNotice(kept);
  } catch {
    showChangedNotice();
  } finally {
    const again = refreshing.get(el) === "again";
    refreshing.set(el, false);
    if (again) refreshReferral(el);
  }
}

/** Say that the referral changed; next to the form being typed in, where the user is looking. */
function showChangedNotice(near) {
  const notice = document.getElementById("referral-changed");
  if (!notice) return;
  if (near) near.before(notice);
  notice.hidden = false;
}

const referralRenderer = {
  snapshot(el, data) {
    const id = Number(el.dataset.referralId);
    const current = (Array.isArray(data) ? data : []).find((referral) => referral.id === id);
    if (current && current.version > Number(el.dataset.version)) refreshReferral(el);
  },
  delta(el, referral) {
    // Any change to this referral: a new state (new version) or a new message (same version).
    if (referral?.id === Number(el.dataset.referralId)) refreshReferral(el);
  },
};

// --- one renderer for the stream, by the kind of element ---------------------------------------------

registerRenderer("referrals.inbox", {
  snapshot(el, data, message) {
    if (el.dataset.liveView === "inbox") inboxRenderer.snapshot(el, data, message);
    else if (el.dataset.liveView === "referral") referralRenderer.snapshot(el, data, message);
  },
  delta(el, data, message) {
    if (el.dataset.liveView === "inbox") inboxRenderer.delta(el, data, message);
    else if (el.dataset.liveView === "referral") referralRenderer.delta(el, data, message);
  },
});
