// How people appear in a shared document: a caret colour picked from their user id, the same in every browser.

// Colours with enough contrast for white caret labels and against a white page.
const palette = ["#1f6feb", "#b42318", "#067647", "#7a2e98", "#b54708", "#0e7090", "#c11574", "#475467", "#3538cd", "#6941c6"];

export function colourFor(userId: string) {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length];
}

/** The awareness `user` field the collaboration server stamps on every client: who it is, never what they claim. */
export interface PresenceUser {
  id: string;
  name: string;
  color: string;
}
