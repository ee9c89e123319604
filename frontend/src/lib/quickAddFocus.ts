// "New task" from the command palette: focus quick add on this page, or on the Inbox once it
// has opened (quick add takes the request when it mounts).
let pending = false;

/** Focus quick add now if this page has one; else remember it for the next quick add to mount. */
export function focusQuickAdd(): boolean {
  const input = document.getElementById("quick-add");
  if (input) {
    input.focus();
    return true;
  }
  pending = true;
  return false;
}

/** Called by quick add on mount: whether it should take focus. */
export function takeQuickAddFocus(): boolean {
  const was = pending;
  pending = false;
  return was;
}
