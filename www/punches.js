// What happened on a day, in words: the punch results the module's range query attaches to a day
// (`day.punches`: Feishu's own `user_tasks/query` records, one per on/off pair, wire names
// unchanged, times in Unix seconds) turned into short notes for a calendar cell ("09:12 late",
// "no clock-out") and rows for the day's panel. Which punches can be corrected is
// query_user_allowed_remedys' answer (`day.entries`), matched to a side by pair number and on/off duty.

import { t } from "./i18n.js";

/** Results that need nothing: no note in the cell. */
const IN_ORDER = new Set(["Normal", "NoNeedCheck", "SystemCheck"]);

// Each side of a record by its wire prefix, with query_user_allowed_remedys' work_type for it.
const SIDES = [["check_in", 1], ["check_out", 2]];

const CHINA_OFFSET_S = 8 * 3600; // Feishu's attendance days and times are China time (UTC+8)

/**
 * A punch time as "HH:mm" in China time, from Unix seconds (a decimal string, as Feishu sends
 * them, or a number). Anything else: null.
 */
export function clockTime(value) {
  const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const d = new Date((seconds + CHINA_OFFSET_S) * 1000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

/** Whether query_user_allowed_remedys listed this side of pair `pairNo` as correctable. */
function correctable(entries, pairNo, workType) {
  return (entries || []).some((e) => e.work_type === workType && (e.punch_no === pairNo || (e.punch_no == null && pairNo === 0)));
}

/**
 * Every side of every pair of a day, flattened: `{ pairNo, side ("in"/"out"), workType, result,
 * supplement, time, scheduled, fix }`, `fix` being whether it can be corrected.
 */
export function punchSides(day) {
  const entries = day && day.status === "ok" ? day.entries : [];
  const out = [];
  ((day && day.punches) || []).forEach((record, pairNo) => {
    const r = record || {};
    for (const [prefix, workType] of SIDES) {
      const punch = r[`${prefix}_record`];
      out.push({
        pairNo,
        side: workType === 1 ? "in" : "out",
        workType,
        result: r[`${prefix}_result`],
        supplement: r[`${prefix}_result_supplement`],
        time: punch ? punch.check_time : null,
        scheduled: r[`${prefix}_shift_time`],
        fix: correctable(entries, pairNo, workType),
      });
    }
  });
  return out;
}

/** The short note of one side for a calendar cell, or null when it is in order (or still ahead). */
function sideNote(lang, s) {
  const time = clockTime(s.time);
  const inOut = s.side === "in" ? "In" : "Out";
  if (s.result === "Late" || s.result === "Early") {
    return time ? t(lang, `note${s.result}`, { time }) : t(lang, `note${s.result}NoTime`);
  }
  if (s.result === "Lack") return t(lang, `noteLack${inOut}`);
  if (s.result == null || IN_ORDER.has(s.result) || s.result === "Todo") return null;
  return `${t(lang, `side${inOut}`)}: ${s.result}`; // a result the page does not know, as sent
}

/**
 * The notes a calendar cell shows for a day: its irregular punches, in short, each with whether it
 * can be corrected. Empty for a day without punch results or with every punch in order.
 */
export function dayNotes(lang, day) {
  const notes = [];
  for (const s of punchSides(day)) {
    const text = sideNote(lang, s);
    if (text) notes.push({ text, fix: s.fix });
  }
  return notes;
}

const RESULT_KEYS = {
  Normal: "resultNormal", NoNeedCheck: "resultNoNeedCheck", SystemCheck: "resultSystemCheck",
  Late: "resultLate", Early: "resultEarly", Lack: "resultLack", Todo: "resultTodo",
};

/** A result in words; one the page does not know is shown as Feishu sent it. */
export function resultText(lang, result) {
  if (result == null) return t(lang, "unknown");
  return RESULT_KEYS[result] ? t(lang, RESULT_KEYS[result]) : String(result);
}

const SUPPLEMENT_KEYS = {
  CardReplacementApplication: "supplementApplication",
  CardReplacement: "supplementReplacement",
  Leave: "supplementLeave",
  Travel: "supplementTravel",
  GoOut: "supplementGoOut",
  ShiftChange: "supplementShiftChange",
  ManagerModification: "supplementManager",
  FieldPunch: "supplementField",
};

/** Feishu's supplement in words ("a correction is pending"), or null for none. */
export function supplementText(lang, supplement) {
  if (!supplement || supplement === "None") return null;
  return SUPPLEMENT_KEYS[supplement] ? t(lang, SUPPLEMENT_KEYS[supplement]) : String(supplement);
}

/** Whether a result is one that needs no attention. */
export const inOrder = (result) => IN_ORDER.has(result);
