// The bell in the header: the unread count of the notifications.inbox stream (one key per user),
// live in every open tab. A snapshot and every delta carry the whole count, so a lost delta only
// delays the number until the next message or resynchronisation (static/js/live.js).

import { registerRenderer } from "passerelle/live";

function showCount(el, count) {
  const badge = el.querySelector(".bell__count");
  if (!badge || typeof count !== "number") return;
  badge.textContent = String(count);
  badge.classList.toggle("count-badge--zero", count === 0);
  el.dataset.unread = String(count);
}

registerRenderer("notifications.inbox", {
  snapshot(el, data) {
    showCount(el, data?.unread_count);
  },
  delta(el, data) {
    showCount(el, data?.unread_count);
  },
});
