// Turns results into DOM. Pure functions of (language, data, callbacks): the page re-renders from
// its state when the language changes instead of patching strings in place.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { shortTime, weekdayMon0, formatDate, isoToInt, todayIso } from "./dates.js";
import { NOT_YOURS } from "./access.js";
import { dayNotes, punchSides, clockTime, resultText, supplementText, inOrder } from "./punches.js";

// ---------- one day ----------

/** The table of correctable punches, or a sentence when there are none. */
export function entriesView(lang, entries, dateInt) {
  if (!entries.length) return h("p", { class: "notice" }, t(lang, "emptyList"));
  const head = [
    "colPair", "colDuty", "colStatus", "colScheduled", "colWindow",
  ].map((k) => h("th", { scope: "col", role: "columnheader" }, t(lang, k)));
  // Explicit roles keep the table a table for screen readers when the phone layout (CSS) turns
  // its rows into blocks, which otherwise drops the table semantics.
  return h("div", { class: "table-wrap" },
    h("table", { class: "punches", role: "table" },
      h("caption", { class: "count" }, countText(lang, entries.length)),
      h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, head)),
      h("tbody", { role: "rowgroup" }, entries.map((e) => entryRow(lang, e, dateInt)))));
}

function entryRow(lang, e, dateInt) {
  // data-label lets the phone layout (CSS) repeat the column name beside each value.
  const cell = (key, ...content) => h("td", { "data-label": t(lang, key), role: "cell" }, ...content);
  return h("tr", { role: "row" },
    cell("colPair", pairText(lang, e)),
    cell("colDuty", dutyText(lang, e.work_type)),
    cell("colStatus", statusLabel(lang, e.punch_status)),
    cell("colScheduled", h("span", { class: "time" }, shortTime(e.normal_punch_time, dateInt))),
    cell("colWindow", windowView(lang, e, dateInt)));
}

function countText(lang, n) {
  return n === 1 ? t(lang, "countLabelOne") : t(lang, "countLabel", { n });
}

/** A free-punch shift has no meaningful pair number, so it says so instead. */
function pairText(lang, e) {
  if (e.is_free_punch) return t(lang, "freePunch");
  return pairNoText(lang, e.punch_no);
}

function pairNoText(lang, n) {
  if (n === 0 || n === 1 || n === 2) return t(lang, `pair${n}`);
  if (Number.isInteger(n)) return t(lang, "pairN", { n: n + 1 });
  return t(lang, "unknown");
}

function dutyText(lang, workType) {
  if (workType === 1) return t(lang, "onDuty");
  if (workType === 2) return t(lang, "offDuty");
  // Feishu adds values over time: show the raw value rather than pretending to know it.
  return workType === undefined || workType === null ? t(lang, "unknown") : `${t(lang, "unknown")} (${workType})`;
}

const STATUS = { Lack: "statusLack", Late: "statusLate", Early: "statusEarly" };

/** Colour is never the only signal: every label carries its word. Unknown statuses show raw. */
export function statusLabel(lang, status) {
  const key = STATUS[status];
  const text = key ? t(lang, key) : (status || t(lang, "unknown"));
  const kind = key ? String(status).toLowerCase() : "other";
  return h("span", { class: `label label-${kind}` }, text);
}

function windowView(lang, e, dateInt) {
  return h("span", { class: "window" },
    h("span", { class: "time" }, shortTime(e.remedy_start_time, dateInt)),
    ` ${t(lang, "windowTo")} `,
    h("span", { class: "time" }, shortTime(e.remedy_end_time, dateInt)));
}

// ---------- errors ----------

/** Reads what the page shows from a RemedyError, tolerating plain Errors too. */
export function describeError(lang, err) {
  const pick = (v) => (v && typeof v === "object" ? v[lang] || v.en : v);
  // The relay's "not yours" (403) in the page's own words: the rule, and who can help.
  const notYours = Boolean(err) && err.code === NOT_YOURS;
  return {
    meaning: notYours ? t(lang, "onlyOwn") : pick(err && err.meaning) || (err && err.message) || String(err),
    hint: notYours ? t(lang, "onlyOwnHint") : pick(err && err.hint),
    msg: err && err.msg,
    code: err && err.code,
    httpStatus: err && err.httpStatus,
    logId: err && err.logId,
    troubleshooter: err && err.troubleshooter,
    retryable: Boolean(err && err.retryable),
  };
}

/** The error panel: meaning, what to do, Feishu's own message, and the log id to copy. */
export function errorView(lang, err, { onRetry, onCopy } = {}) {
  const d = describeError(lang, err);
  return h("div", { class: "error", role: "alert" },
    h("h3", { class: "error-title" }, d.meaning),
    d.hint && h("p", { class: "error-hint" }, h("strong", {}, t(lang, "whatToDo")), d.hint),
    errorFacts(lang, d, onCopy),
    d.retryable && onRetry && retryButton(lang, onRetry));
}

function errorFacts(lang, d, onCopy) {
  const rows = [];
  const row = (key, ...value) => rows.push(h("dt", {}, t(lang, key)), h("dd", {}, ...value));
  if (d.msg) row("feishuSays", h("q", { class: "feishu-msg" }, d.msg));
  if (d.code !== undefined && d.code !== null) row("errorCode", h("code", {}, String(d.code)));
  if (d.httpStatus) row("httpStatus", h("code", {}, String(d.httpStatus)));
  // The relay's own refusals carry its request id (`relay-…`), which Feishu support cannot use.
  const relayId = typeof d.logId === "string" && d.logId.startsWith("relay-");
  if (d.logId) row(relayId ? "relayRequestId" : "logId", logIdView(lang, d.logId, onCopy, relayId));
  if (d.troubleshooter) row("troubleshooter", troubleshooterView(d.troubleshooter));
  return rows.length ? h("dl", { class: "facts" }, rows) : null;
}

function logIdView(lang, logId, onCopy, relayId) {
  const button = h("button", { type: "button", class: "copy secondary" }, t(lang, "copy"));
  if (onCopy) button.addEventListener("click", () => onCopy(logId, button));
  return h("span", { class: "logid" },
    h("code", { class: "logid-value" }, logId), " ", button,
    h("span", { class: "copy-status", role: "status" }),
    h("span", { class: "help" }, t(lang, relayId ? "relayRequestIdHelp" : "logIdHelp")));
}

/** The hosts whose troubleshooting links the page turns into links: Feishu's and Lark's own. */
const TROUBLESHOOTER_HOSTS = ["open.feishu.cn", "open.larksuite.com"];

/**
 * Feishu's troubleshooter is prose with a link to its log search. The text stays text; only an
 * https URL on Feishu's or Lark's own site becomes a link, so neither a javascript: URL nor a
 * look-alike page from a relay that `?relay=` pointed elsewhere can be offered as one.
 */
function troubleshooterView(text) {
  const url = /https:\/\/[^\s"'<>]+/.exec(String(text));
  if (!url || !isFeishuLink(url[0])) return String(text);
  return [text.slice(0, url.index),
    h("a", { href: url[0], rel: "noopener noreferrer", target: "_blank" }, url[0]),
    text.slice(url.index + url[0].length)];
}

function isFeishuLink(href) {
  try {
    return TROUBLESHOOTER_HOSTS.includes(new URL(href).hostname);
  } catch {
    return false;
  }
}

function retryButton(lang, onRetry) {
  const b = h("button", { type: "button", class: "secondary retry" }, t(lang, "retry"));
  b.addEventListener("click", onRetry);
  return b;
}

// ---------- a month ----------

/** What one calendar cell says about its day, short enough for a phone. */
export function dayStatus(lang, r) {
  if (!r) return { kind: "pending", text: "—" };
  if (r.status === "ok" && r.entries.length) {
    return { kind: "ok", text: t(lang, "dayCount", { n: r.entries.length }) };
  }
  if (r.status === "ok" || r.status === "nothing_to_correct") {
    return { kind: "none", text: t(lang, "nothingToCorrect") };
  }
  if (r.status === "skipped") return { kind: "skipped", text: t(lang, "skipped") };
  return { kind: "error", text: describeError(lang, r.error).meaning };
}

/**
 * The month grid. Each day is a button (one tab stop for the whole grid; arrow keys move between
 * days, as in any date picker), labelled with its full date and status for screen readers.
 */
export function calendarView(lang, { days, results, selected, monthLabel, onSelect }) {
  const grid = h("div", { class: "calendar", role: "group", "aria-label": t(lang, "calendarLabel", { month: monthLabel }) });
  const weekdays = t(lang, "weekdays");
  const longWeekdays = t(lang, "weekdaysLong");
  weekdays.forEach((w, i) => grid.append(h("div", { class: "weekday", "aria-hidden": "true", title: longWeekdays[i] }, w)));
  const offset = weekdayMon0(days[0]);
  for (let i = 0; i < offset; i += 1) grid.append(h("div", { class: "pad", "aria-hidden": "true" }));
  const focusDay = selected || days[0];
  const today = isoToInt(todayIso());
  for (const day of days) {
    const b = dayButton(lang, day, results.get(day), day === selected, day === focusDay, onSelect);
    if (day === today) b.setAttribute("aria-current", "date");
    grid.append(b);
  }
  grid.addEventListener("keydown", (ev) => moveFocus(ev, grid));
  return grid;
}

/**
 * Redraws one day's cell as its result arrives, leaving the rest of the grid (and focus) alone.
 */
export function updateDayCell(lang, day, result, selected, onSelect) {
  const old = document.querySelector(`button.day[data-date="${day}"]`);
  if (!old) return;
  const b = dayButton(lang, day, result, day === selected, old.tabIndex === 0, onSelect);
  if (old.hasAttribute("aria-current")) b.setAttribute("aria-current", "date");
  const focused = document.activeElement === old;
  old.replaceWith(b);
  if (focused) b.focus();
}

function dayButton(lang, day, result, isSelected, isFocusable, onSelect) {
  const s = dayStatus(lang, result);
  // What happened, in short ("09:12 late", "no clock-out"); a correctable punch carries a mark,
  // and its words, for screen readers, since the label stands for the button's content.
  const notes = dayNotes(lang, result);
  const spoken = notes.map((n) => (n.fix ? `${n.text} (${t(lang, "fixLabel")})` : n.text));
  const b = h("button", {
    type: "button",
    class: `day day-${s.kind}`,
    "data-date": day,
    "aria-pressed": isSelected ? "true" : "false",
    "aria-label": `${formatDate(day, lang)}: ${[...spoken, s.text].join(", ")}`,
    tabindex: isFocusable ? "0" : "-1",
  },
  h("span", { class: "day-num", "aria-hidden": "true" }, String(day % 100)),
  notes.length > 0 && h("span", { class: "day-notes", "aria-hidden": "true" },
    notes.map((n) => h("span", { class: n.fix ? "note fix" : "note" }, n.fix ? `${t(lang, "fixMark")} ${n.text}` : n.text))),
  h("span", { class: "day-status", "aria-hidden": "true" }, s.text));
  b.addEventListener("click", () => onSelect(day));
  return b;
}

const STEPS = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/** Roving focus inside the grid: arrows by day/week, Home/End to the month's ends. */
function moveFocus(ev, grid) {
  const buttons = [...grid.querySelectorAll("button.day")];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0) return;
  let to = at + (STEPS[ev.key] || 0);
  if (ev.key === "Home") to = 0;
  if (ev.key === "End") to = buttons.length - 1;
  if (to === at || to < 0 || to >= buttons.length) return;
  ev.preventDefault();
  buttons[at].tabIndex = -1;
  buttons[to].tabIndex = 0;
  buttons[to].focus();
}

/**
 * A day's result, whatever its outcome: the single-day view, and the panel under a month's grid.
 * A day of a month also says what happened (its punch results), when the month had them.
 */
export function dayDetailView(lang, result, dateInt, handlers) {
  if (!result) return h("p", { class: "notice" }, "—");
  return [outcomeView(lang, result, dateInt, handlers), happenedView(lang, result)];
}

const DECIDED = { punch_results: "decidedByPunchResults", calendar: "decidedByCalendar" };

function outcomeView(lang, result, dateInt, handlers) {
  if (result.status === "ok") return entriesView(lang, result.entries, dateInt);
  if (result.status === "nothing_to_correct") {
    return h("p", { class: "notice ok" }, t(lang, DECIDED[result.decidedBy] || "nothingToCorrectLong"));
  }
  if (result.status === "skipped") {
    return h("div", {}, h("p", { class: "notice" }, t(lang, "skippedLong")), errorView(lang, result.reason, handlers));
  }
  return errorView(lang, result.error, handlers);
}

/** The day's punches, side by side with what the shift wanted: a table, as the corrections are. */
function happenedView(lang, result) {
  const sides = punchSides(result);
  if (!sides.length) return null;
  const head = ["colPair", "colDuty", "colResult", "colPunched", "colScheduled"]
    .map((k) => h("th", { scope: "col", role: "columnheader" }, t(lang, k)));
  return h("div", { class: "happened" },
    h("h4", {}, t(lang, "whatHappened")),
    h("div", { class: "table-wrap" },
      h("table", { class: "punch-results", role: "table" },
        h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, head)),
        h("tbody", { role: "rowgroup" }, sides.map((side) => happenedRow(lang, side))))));
}

function happenedRow(lang, side) {
  const cell = (key, ...content) => h("td", { "data-label": t(lang, key), role: "cell" }, ...content);
  const time = clockTime(side.time);
  const supplement = supplementText(lang, side.supplement);
  return h("tr", { role: "row", class: side.fix ? "fix" : null },
    cell("colPair", pairNoText(lang, side.pairNo)),
    cell("colDuty", dutyText(lang, side.workType)),
    cell("colResult", resultLabel(lang, side.result),
      supplement && h("span", { class: "supplement" }, ` · ${supplement}`),
      side.fix && h("span", { class: "fix-mark" }, ` ${t(lang, "fixMark")} ${t(lang, "fixLabel")}`)),
    cell("colPunched", time ? h("span", { class: "time" }, time) : h("span", { class: "muted" }, t(lang, "noPunch"))),
    cell("colScheduled", h("span", { class: "time" }, clockTime(side.scheduled) || "—")));
}

/** A punch result as a label: coloured like the corrections' statuses, and never by colour alone. */
function resultLabel(lang, result) {
  const kind = STATUS[result] ? String(result).toLowerCase() : inOrder(result) ? "normal" : "other";
  return h("span", { class: `label label-${kind}` }, resultText(lang, result));
}

/**
 * How the month was asked: a note when Feishu's punch results settled some days without asking
 * them, or when they could not be used and every day was asked (with why, when the call failed).
 */
export function prefilterNote(lang, prefilter, results) {
  if (!prefilter) return null;
  if (prefilter.status === "fallback") {
    const why = prefilter.error ? describeError(lang, prefilter.error).meaning : null;
    return h("p", { class: "notice prefilter fallback" }, t(lang, "prefilterFallback"),
      why && [" ", t(lang, "prefilterWhy", { reason: why })]);
  }
  if (prefilter.status !== "used") return null;
  const settled = [...results.values()].filter((r) => r.decidedBy && r.decidedBy !== "query").length;
  if (!settled) return null;
  return h("p", { class: "notice prefilter used" }, t(lang, "prefilterUsed", { n: settled, total: results.size }));
}

/** Under the grid: what the mark on a punch means, when a punch of the month carries it. */
export function legendView(lang, results) {
  const marked = [...results.values()].some((r) => dayNotes(lang, r).some((n) => n.fix));
  return marked ? h("p", { class: "help legend" }, t(lang, "legendFix")) : null;
}

/** One line that counts the month's outcomes. */
export function summaryText(lang, results) {
  let ok = 0; let none = 0; let err = 0;
  for (const r of results.values()) {
    const k = dayStatus(lang, r).kind;
    if (k === "ok") ok += 1;
    else if (k === "none") none += 1;
    else if (k === "error" || k === "skipped") err += 1;
  }
  return t(lang, "summary", { ok, none, err });
}
