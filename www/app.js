// The page's controller: reads the form, calls the WebAssembly module, keeps the last result in
// `state`, and re-renders it (in the current language) through view.js.

import { h, replace } from "./dom.js";
import { t, defaultLang } from "./i18n.js";
import { isoToInt, monthRange, todayIso, formatDate, formatMonth } from "./dates.js";
import { errorView, calendarView, dayDetailView, summaryText, updateDayCell, prefilterNote, legendView } from "./view.js";
import { NO_SIGN_IN, isSignedOutError, signInUrl, signOut, inFeishuClient, mayAutoSignIn, signedIn, ownId } from "./access.js";

/** How long one day of a month may take, its waits in the relay's quota queue included. */
const MONTH_TIMEOUT_MS = 120000;

const $ = (id) => document.getElementById(id);

const state = {
  lang: initialLang(),
  mod: null, // the package, once loaded
  controller: null, // AbortController of the query in flight
  view: null, // what the results section shows; see showDay / showMonth
  rerun: null, // repeats the last query (the error panel's "try again")
  relay: null, // the relay's base URL
  // Who is asking: "open" (a relay without sign-in: the lookup tool), "signed-in", "signed-out".
  access: null,
  me: null, // the signed-in person, as currentUser() gives it
  signedOutKey: "signedOutText", // what the signed-out panel says (why the person is signed out)
};

// ---------- start-up ----------

function initialLang() {
  const saved = safeStorage("get", "lang");
  return saved === "zh" || saved === "en" ? saved : defaultLang(navigator.languages || [navigator.language]);
}

/** localStorage throws in some privacy modes; the language choice is a convenience, not a need. */
function safeStorage(op, key, value) {
  try {
    return op === "get" ? localStorage.getItem(key) : localStorage.setItem(key, value);
  } catch {
    return null;
  }
}

/** ?relay= overrides the relay; by default it is the origin that served this page. */
function relayUrl() {
  const raw = new URLSearchParams(location.search).get("relay");
  if (raw === null) return location.origin;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

async function start() {
  $("date").value = todayIso();
  $("month").value = todayIso().slice(0, 7);
  wireForm();
  applyLang();
  const relay = relayUrl();
  $("relay-url").textContent = relay || new URLSearchParams(location.search).get("relay") || "";
  if (!relay) return showFatal(t(state.lang, "badRelay"));
  try {
    // Imported dynamically so that a missing or broken package shows a message instead of a blank page.
    const mod = await import("./pkg/index.js");
    await mod.default();
    mod.configure({ relayUrl: relay });
    state.mod = mod;
    state.relay = relay;
  } catch (err) {
    console.error(err);
    return showFatal(t(state.lang, "moduleFailed"));
  }
  $("submit").disabled = false;
  await whoIsAsking();
  document.documentElement.dataset.ready = "true"; // lets tests (and people) know the page is live
}

function showFatal(text) {
  $("query").hidden = false; // the form as ever, its button disabled: nothing can be looked up
  $("status").textContent = "";
  const section = $("results");
  section.hidden = false;
  replace(section, h("div", { class: "error", role: "alert" }, h("h2", { id: "results-heading", class: "error-title" }, text)));
}

// ---------- who is asking ----------

/**
 * Asks the relay who is signed in and shows the page that fits: the lookup tool (no sign-in at the
 * relay), the person's own month (signed in), or the way to sign in (signed out).
 */
async function whoIsAsking() {
  let me;
  try {
    me = await state.mod.currentUser();
  } catch (err) {
    if (err && err.code === NO_SIGN_IN) return showLookupTool();
    return showAccessError(err);
  }
  if (me) return showSignedIn(me);
  if (inFeishuClient() && mayAutoSignIn()) {
    $("status").textContent = t(state.lang, "signingIn");
    location.assign(signInUrl(state.relay));
    return undefined;
  }
  return showSignedOut("signedOutText");
}

function showLookupTool() {
  state.access = "open";
  clearResults(); // an earlier failure to ask, if "Try again" brought us here
  $("query").hidden = false;
}

/** The relay could not say who is signed in (it is down, say): the reason, and a way to ask again. */
function showAccessError(err) {
  state.view = null;
  state.rerun = () => whoIsAsking();
  const section = $("results");
  section.hidden = false;
  replace(section, h("div", { class: "card" }, errorView(state.lang, err, { onRetry: state.rerun })));
}

function showSignedIn(me) {
  signedIn();
  state.access = "signed-in";
  state.me = me;
  const own = ownId(me);
  // An employee sees their own punches only, so there is no one to choose; an admin may look up
  // anyone and gets the fields, starting from their own id.
  const chooses = me.admin === true || !own;
  $("employee-type-field").hidden = !chooses;
  $("user-id-field").hidden = !chooses;
  if (own) {
    $("employee-type").value = own.employeeType;
    $("user-id").value = own.userId;
  }
  $("signed-out").hidden = true;
  $("account").hidden = false;
  $("query").hidden = false;
  renderAccount();
  // Straight onto this month: the page is theirs.
  $("mode-month").checked = true;
  $("month").value = todayIso().slice(0, 7);
  syncMode();
  if (own) submit();
}

/**
 * Signed out (at start, after signing out, or when the relay answered 401 mid-use): whatever was
 * shown goes, and the way in is offered. `focus` moves focus to it, for when the control that had
 * it has just disappeared.
 */
function showSignedOut(key, { focus = false } = {}) {
  stopQuery();
  state.access = "signed-out";
  state.me = null;
  state.signedOutKey = key;
  clearResults();
  $("account").hidden = true;
  $("query").hidden = true;
  $("sign-in").href = signInUrl(state.relay);
  $("signed-out").hidden = false;
  renderAccount();
  $("status").textContent = key === "signedOutText" ? "" : t(state.lang, key);
  if (focus) $("sign-in").focus();
}

/** The greeting and the signed-out text, in the current language. */
function renderAccount() {
  const lang = state.lang;
  const me = state.me;
  $("greeting").replaceChildren(me && me.name ? t(lang, "greeting", { name: me.name }) : t(lang, "greetingNoName"));
  if (me && me.admin) $("greeting").append(" ", h("span", { class: "admin-note" }, t(lang, "adminNote")));
  $("signed-out-text").textContent = t(lang, state.signedOutKey);
}

async function onSignOut() {
  const button = $("sign-out");
  const problem = $("account-error");
  button.disabled = true;
  problem.hidden = true;
  try {
    await signOut(state.relay);
  } catch (err) {
    console.error(err);
    problem.textContent = t(state.lang, "signOutFailed");
    problem.hidden = false;
    return;
  } finally {
    button.disabled = false;
  }
  showSignedOut("signedOutDone", { focus: true });
}

/** A query answered 401: the session ended (or was never there). Returns whether it did. */
function signedOutBy(err) {
  if (!isSignedOutError(err)) return false;
  showSignedOut("sessionEnded", { focus: true });
  return true;
}

// ---------- the form ----------

function wireForm() {
  $("query").addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit();
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", syncMode);
  $("cancel").addEventListener("click", cancel);
  $("sign-out").addEventListener("click", onSignOut);
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    safeStorage("set", "lang", state.lang);
    applyLang();
  });
  syncMode();
}

function mode() {
  return $("mode-month").checked ? "month" : "day";
}

/** Shows the date or the month input, whichever the period needs. */
function syncMode() {
  const month = mode() === "month";
  $("date-field").hidden = month;
  $("month-field").hidden = !month;
  $("date").required = !month;
  $("month").required = month;
}

/** Reads and checks the form; marks the offending fields and returns null when it is not usable. */
function readForm() {
  clearFieldErrors();
  const userId = $("user-id").value.trim();
  const base = { params: { employee_type: $("employee-type").value }, userId };
  // Someone asking about themselves is named by their name; an id typed by hand is shown as typed.
  const own = state.access === "signed-in" && ownId(state.me);
  if (own && userId === own.userId && base.params.employee_type === own.employeeType && state.me.name) base.label = state.me.name;
  let bad = null;
  if (!userId) bad = bad || fieldError("user-id", "needUserId");
  if (mode() === "day") {
    const date = isoToInt($("date").value);
    if (date === null) bad = bad || fieldError("date", "needDate");
    return bad ? null : { ...base, kind: "day", date };
  }
  const range = monthRange($("month").value);
  if (!range) bad = bad || fieldError("month", "needMonth");
  return bad ? null : { ...base, kind: "month", range };
}

function fieldError(id, key) {
  const input = $(id);
  const msg = $(`${id}-error`);
  input.setAttribute("aria-invalid", "true");
  msg.dataset.key = key;
  msg.textContent = t(state.lang, key);
  msg.hidden = false;
  input.focus();
  return id;
}

/**
 * A validation RemedyError about what the form sent, shown at its field in the page's own words
 * (the module names wire fields such as `data.user_id`). Returns whether it was one.
 */
function markFieldFromError(err) {
  if (!err || err.kind !== "validation") return false;
  const problem = err.problem;
  if (err.field === "data.user_id") {
    const key = problem === "too_long" ? "userIdTooLong"
      : problem === "empty" || problem === "missing" ? "needUserId"
        : problem === "control_character" || problem === "not_unicode" ? "userIdBadChars"
          : "userIdInvalid";
    fieldError("user-id", key);
    return true;
  }
  if (["data.remedy_date", "data.from", "data.to"].includes(err.field)) {
    fieldError(mode() === "day" ? "date" : "month", "dateInvalid");
    return true;
  }
  return false;
}

function clearFieldErrors() {
  for (const el of document.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
    delete el.dataset.key;
  }
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

function submit() {
  if (!state.mod) return;
  const q = readForm();
  if (!q) return;
  state.rerun = () => (q.kind === "day" ? queryDay(q) : queryMonth(q));
  state.rerun();
}

// ---------- queries ----------

/** Aborts whatever is running and hands out a fresh signal: only the newest query may render. */
function begin() {
  if (state.controller) state.controller.abort();
  state.controller = new AbortController();
  $("cancel").hidden = false;
  return state.controller;
}

function finish(controller) {
  if (state.controller !== controller) return false; // superseded by a newer query
  state.controller = null;
  $("cancel").hidden = true;
  $("progress").hidden = true;
  return true;
}

/** Drops the query in flight altogether: its answer, when it comes, renders nothing. */
function stopQuery() {
  if (state.controller) state.controller.abort();
  state.controller = null;
  $("cancel").hidden = true;
  $("progress").hidden = true;
}

function cancel() {
  if (state.controller) state.controller.abort();
}

const isAbort = (err, controller) => controller.signal.aborted || (err && err.kind === "aborted");

/**
 * One day of `q`'s user, as the module's range query reports a day (`{ date, status, … }`), so a
 * day on its own and a day of a month are shown by the same code.
 */
async function askDay(q, date, signal) {
  const request = { params: q.params, data: { user_id: q.userId, remedy_date: date } };
  try {
    const res = await state.mod.queryAllowedRemedys(request, { signal });
    return { date, status: "ok", entries: (res.data && res.data.user_allowed_remedys) || [], logId: res.log_id || null };
  } catch (err) {
    // 1226501 is Feishu's way of saying "all fine that day": good news, not an error.
    if (err && err.nothingToCorrect) return { date, status: "nothing_to_correct", logId: err.logId };
    return { date, status: "error", error: err };
  }
}

const wasCancelled = (day, controller) => day.status === "error" && isAbort(day.error, controller);

async function queryDay(q) {
  const controller = begin();
  state.view = { kind: "day", q, loading: true };
  render();
  const result = await askDay(q, q.date, controller.signal);
  if (!finish(controller)) return;
  if (result.status === "error" && signedOutBy(result.error)) return;
  if (result.status === "error" && markFieldFromError(result.error)) return clearResults();
  state.view = { kind: "day", q, ...(wasCancelled(result, controller) ? { cancelled: true } : { result }) };
  render();
}

/** No results to show: the form says what is wrong. */
function clearResults() {
  state.view = null;
  $("results").hidden = true;
  $("status").textContent = "";
}

async function queryMonth(q) {
  const controller = begin();
  const { from, to } = q.range;
  state.view = { kind: "month", q, loading: true, results: new Map(), selected: null, done: 0, total: to - from + 1 };
  render();
  showProgress(0, state.view.total);
  const request = { params: q.params, data: { user_id: q.userId, from, to } };
  // Each day is drawn as it comes; a cancelled month keeps the days it had.
  const onProgress = (done, total, day) => {
    if (state.controller !== controller) return;
    // Signed out meanwhile: every other day would say the same.
    if (day && day.status === "error" && signedOutBy(day.error)) return;
    showProgress(done, total);
    if (day) showDayResult(state.view, day);
  };
  let outcome;
  try {
    // A month may wait its turn: at 9:00 the relay queues a whole company for Feishu's 50 calls a
    // second and says when to come back, and those waits do not use up the retries. The progress
    // bar and Cancel stay with the person; a relay that is down still fails after two quick tries.
    const options = { signal: controller.signal, onProgress, timeoutMs: MONTH_TIMEOUT_MS };
    const days = await state.mod.queryAllowedRemedysRange(request, options);
    outcome = { results: new Map(days.map((d) => [d.date, d])), prefilter: days.prefilter || null };
  } catch (err) {
    outcome = isAbort(err, controller) ? { cancelled: true } : { error: err };
  }
  if (!finish(controller)) return;
  if (outcome.error && signedOutBy(outcome.error)) return;
  if (outcome.error && markFieldFromError(outcome.error)) return clearResults();
  state.view = { ...state.view, loading: false, ...outcome };
  render();
}

/**
 * Asks one day of the month shown again (its "Try again"), and puts the answer in its cell. The
 * month's other days stay; a newer query or Cancel supersedes it like any other.
 */
async function retryDay(date) {
  const v = state.view;
  if (!v || v.kind !== "month" || v.loading) return;
  const before = v.results.get(date);
  const controller = begin();
  v.results.delete(date);
  render();
  let day = await askDay(v.q, date, controller.signal);
  // What happened that day (the month's punch results) stays with the day's new answer.
  if (before && before.punches) day = { ...day, punches: before.punches, decidedBy: "query" };
  if (wasCancelled(day, controller)) day = before;
  const latest = finish(controller);
  if (day && day.status === "error" && signedOutBy(day.error)) return;
  if (state.view !== v) return; // another query replaced the month
  // Put the day back even when a newer retry superseded this one (its abort brings `before`).
  if (day) v.results.set(date, day);
  if (!latest) return updateDayCell(state.lang, date, day, v.selected, selectDay);
  render();
  const button = document.querySelector(`button.day[data-date="${date}"]`);
  if (button) button.focus();
}

/** A month's day that just arrived: its cell, and the panel below if that day is chosen. */
function showDayResult(v, day) {
  v.results.set(day.date, day);
  updateDayCell(state.lang, day.date, day, v.selected, selectDay);
  const detail = $("day-detail");
  if (detail && v.selected === day.date) replace(detail, dayDetail(state.lang, v));
}

/** Only the bar and its text change while a month loads, so focus and the grid stay put. */
function showProgress(done, total) {
  if (state.view && state.view.kind === "month") state.view.done = done;
  const bar = $("progress-bar");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("progress-text").textContent = t(state.lang, "loadingMonth", {
    month: monthLabel(state.view.q.range), done, total,
  });
  $("progress").hidden = false;
}

// ---------- rendering ----------

function applyLang() {
  const lang = state.lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(lang, el.dataset.i18n);
  for (const el of document.querySelectorAll(".field-error[data-key]")) el.textContent = t(lang, el.dataset.key);
  const button = $("lang");
  button.textContent = t(lang, "langSwitch");
  button.setAttribute("aria-label", t(lang, "langSwitchLabel"));
  button.setAttribute("lang", lang === "zh" ? "en" : "zh-CN"); // the button's word is in the other language
  document.title = `${t(lang, "title")} · ${lang === "zh" ? "Punch corrections" : "补卡查询"}`;
  if (state.view && state.view.kind === "month" && state.view.loading) showProgress(state.view.done || 0, state.view.total);
  renderAccount();
  render();
}

function monthLabel(range) {
  return formatMonth(range.year, range.month, state.lang);
}

function render() {
  const section = $("results");
  const v = state.view;
  if (!v) return;
  section.hidden = false;
  if (v.kind === "day") renderDay(section, v);
  else renderMonth(section, v);
}

/** A result's heading: what, and whose (a person's name when they look at their own punches). */
function heading(text, q) {
  // The user id is whatever was typed: it goes in as a text node like everything else.
  return h("h2", { id: "results-heading" }, text, h("span", { class: q.label ? "user name" : "user" }, q.label || q.userId));
}

const handlers = () => ({ onRetry: () => state.rerun && state.rerun(), onCopy: copyLogId });

function renderDay(section, v) {
  const lang = state.lang;
  const title = heading(`${formatDate(v.q.date, lang)} · `, v.q);
  let body;
  if (v.loading) body = h("p", { class: "notice" }, t(lang, "loadingDay", { date: formatDate(v.q.date, lang) }));
  else if (v.cancelled) body = h("p", { class: "notice" }, t(lang, "cancelled"));
  else body = dayDetailView(lang, v.result, v.q.date, handlers());
  replace(section, h("div", { class: "card" }, title, body));
  $("status").textContent = statusForDay(lang, v);
}

function statusForDay(lang, v) {
  if (v.loading) return t(lang, "loadingDay", { date: formatDate(v.q.date, lang) });
  if (v.cancelled) return t(lang, "cancelled");
  const r = v.result;
  if (r.status === "nothing_to_correct") return t(lang, "nothingToCorrect");
  if (r.status === "ok") return r.entries.length === 1 ? t(lang, "countLabelOne") : t(lang, "countLabel", { n: r.entries.length });
  return "";
}

function renderMonth(section, v) {
  const lang = state.lang;
  const label = monthLabel(v.q.range);
  const parts = [heading(`${label} · `, v.q)];
  if (v.error) parts.push(errorView(lang, v.error, handlers()));
  else parts.push(...monthBody(lang, v, label));
  replace(section, h("div", { class: "card" }, parts));
  $("status").textContent = v.loading ? "" : v.cancelled ? t(lang, "monthCancelled") : v.error ? "" : summaryText(lang, v.results);
}

function monthBody(lang, v, label) {
  const { from, to } = v.q.range;
  const days = [];
  for (let d = from; d <= to; d += 1) days.push(d);
  const out = [];
  if (v.cancelled) out.push(h("p", { class: "notice warn" }, t(lang, "monthCancelled")));
  else if (!v.loading) out.push(h("p", { class: "summary" }, summaryText(lang, v.results)), prefilterNote(lang, v.prefilter, v.results));
  out.push(calendarView(lang, { days, results: v.results, selected: v.selected, monthLabel: label, onSelect: selectDay }));
  out.push(legendView(lang, v.results));
  out.push(h("div", { class: "day-detail", id: "day-detail" }, dayDetail(lang, v)));
  return out;
}

function dayDetail(lang, v) {
  if (!v.selected) return v.results.size ? h("p", { class: "help" }, t(lang, "selectDayHint")) : null;
  // "Try again" on a day of a month asks that day alone, not the whole month again.
  // Not while the month still loads: its query is the one in flight (the button comes with the end).
  const dayHandlers = { ...handlers(), onRetry: v.loading ? null : () => retryDay(v.selected) };
  return [h("h3", {}, formatDate(v.selected, lang)), dayDetailView(lang, v.results.get(v.selected), v.selected, dayHandlers)];
}

/**
 * Clicking a day shows its table below the grid, also while the month loads (a day not answered
 * yet shows when it is); focus stays on the day so arrows keep working.
 */
function selectDay(day) {
  const v = state.view;
  if (!v || v.kind !== "month") return;
  v.selected = day;
  render();
  const button = document.querySelector(`button.day[data-date="${day}"]`);
  if (button) button.focus();
}

// ---------- copying the log id ----------

async function copyLogId(logId, button) {
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(logId);
    status.textContent = t(state.lang, "copied");
  } catch {
    // No clipboard permission (e.g. plain http on another host): select it so Ctrl+C works.
    const range = document.createRange();
    range.selectNodeContents(button.parentElement.querySelector(".logid-value"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = t(state.lang, "copyFailed");
  }
}

start();
