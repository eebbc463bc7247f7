// Who is asking, as the page sees it. A relay with Feishu sign-in (`--access feishu`) keeps the
// session in an HttpOnly cookie the page never reads: the page asks who is signed in (the module's
// currentUser), sends people to the relay's /auth/login, and posts /auth/logout. Identity is the
// relay's to decide; the page only uses it to pick which screen to show.

/** The relay's 401: no session (or it ended). */
export const SIGNED_OUT = 98000441;
/** The relay's 403: an employee asked about someone else. */
export const NOT_YOURS = 98000443;
/** The relay's 404 on /auth/me: no sign-in at all (open or bearer access), the lookup tool. */
export const NO_SIGN_IN = 98000404;

/** Whether a failure means "sign in (again)". */
export const isSignedOutError = (err) => Boolean(err) && err.code === SIGNED_OUT;

/** A path under the relay (which may itself sit under a path, e.g. behind a proxy). */
function relayPath(relay, path) {
  return new URL(path, relay.endsWith("/") ? relay : `${relay}/`).href;
}

/**
 * Where to sign in: the relay's /auth/login, coming back to this page. `return_to` is a path on the
 * relay's origin, so it is only given when the page is served from there (the relay honours
 * same-origin paths only, anything else would bring people to its root).
 */
export function signInUrl(relay, here = location) {
  const url = new URL(relayPath(relay, "auth/login"));
  if (url.origin === here.origin) url.searchParams.set("return_to", `${here.pathname}${here.search}`);
  return url.href;
}

/** Ends the session at the relay. Rejects when the relay could not be reached or refused. */
export async function signOut(relay) {
  const url = relayPath(relay, "auth/logout");
  const sameOrigin = new URL(url).origin === location.origin;
  const res = await fetch(url, { method: "POST", credentials: sameOrigin ? "same-origin" : "include" });
  // 401: there was no session to end, which is what signing out wants anyway.
  if (!res.ok && res.status !== 401) throw new Error(`sign-out answered HTTP ${res.status}`);
}

/** Feishu's client injects `tt` (and `h5sdk`) into the pages it opens; a browser has neither. */
export function inFeishuClient(win = window) {
  return win.tt != null || win.h5sdk != null;
}

const AUTO_KEY = "autoSignIn";
const AUTO_PAUSE_MS = 120000;

/**
 * Inside the Feishu client, sign-in passes without a click (Feishu skips its consent page there).
 * Once per two minutes at most: should the session not stick (a webview refusing the cookie), the
 * page shows its button instead of bouncing between itself and Feishu for ever.
 */
export function mayAutoSignIn(now = Date.now()) {
  try {
    const last = Number(sessionStorage.getItem(AUTO_KEY));
    if (last && now - last < AUTO_PAUSE_MS) return false;
    sessionStorage.setItem(AUTO_KEY, String(now));
    return true;
  } catch {
    return false; // no storage, no way to stop a loop: the button it is
  }
}

/** Signed in: the next time the session ends, the client may sign in by itself again. */
export function signedIn() {
  try {
    sessionStorage.removeItem(AUTO_KEY);
  } catch {
    // nothing to forget
  }
}

/**
 * Whose punches a signed-in person sees: their user id (`employee_id`), else their employee number;
 * null when the relay knows neither.
 */
export function ownId(me) {
  if (me && me.userId) return { employeeType: "employee_id", userId: me.userId };
  if (me && me.employeeNo) return { employeeType: "employee_no", userId: me.employeeNo };
  return null;
}
