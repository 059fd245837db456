// The today page, live: its sections follow the streams listed in #today-live (an organisation's
// referrals.inbox key, a site's housing.availability key). A delta on any of them, or a snapshot
// at a newer version than the one already seen (after a reconnect), fetches the page again and
// swaps #today, so the counts are always the server's, read through its selectors.
// A burst of deltas (a batch of holds, several referrals at once) gives one fetch: the fetch
// waits for a quiet moment, and a change during a fetch gives one more fetch after it.

import { registerRenderer } from "passerelle/live";

// Wait this long after the last change before fetching.
const QUIET_MS = 400;

let timer = null;
let fetching = false;
let again = false;

async function refresh() {
  if (fetching) {
    again = true;
    return;
  }
  fetching = true;
  try {
    const response = await fetch(window.location.pathname, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    const fresh = new DOMParser()
      .parseFromString(await response.text(), "text/html")
      .getElementById("today");
    const current = document.getElementById("today");
    // Keyboard focus inside the sections stays on the same link when it is still there.
    const focused = current?.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    if (fresh && current) {
      current.replaceWith(document.adoptNode(fresh));
      if (focused) fresh.querySelector(`a[href="${CSS.escape(focused)}"]`)?.focus();
      document.body.dataset.todayRefreshed = String(Number(document.body.dataset.todayRefreshed || 0) + 1);
    }
  } catch (error) {
    console.warn("Today page refresh failed", error);
  } finally {
    fetching = false;
    if (again) {
      again = false;
      schedule();
    }
  }
}

function schedule() {
  window.clearTimeout(timer);
  timer = window.setTimeout(refresh, QUIET_MS);
}

const renderer = {
  snapshot(el, _data, message) {
    // The first snapshot is what the page was drawn from; a later one at another version means
    // changes were missed while the socket was down.
    if (el.dataset.version !== undefined && el.dataset.version !== String(message.version)) schedule();
    el.dataset.version = String(message.version);
  },
  delta(el, _data, message) {
    el.dataset.version = String(message.version);
    schedule();
  },
};

registerRenderer("referrals.inbox", renderer);
registerRenderer("housing.availability", renderer);
