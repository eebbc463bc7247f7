// Date helpers. Feishu speaks in yyyyMMdd integers; the inputs speak ISO strings. Everything here
// works on calendar dates only (UTC arithmetic), so the user's time zone cannot shift a day.

const pad = (n, w = 2) => String(n).padStart(w, "0");

/** "2025-03-07" -> 20250307, or null when the value is not a real date. */
export function isoToInt(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return y * 10000 + mo * 100 + d;
}

/** 20250307 -> "2025-03-07". */
export function intToIso(n) {
  const y = Math.floor(n / 10000);
  const mo = Math.floor(n / 100) % 100;
  return `${pad(y, 4)}-${pad(mo)}-${pad(n % 100)}`;
}

/** "2025-03" -> { from: 20250301, to: 20250331, year, month } or null. */
export function monthRange(isoMonth) {
  const m = /^(\d{4})-(\d{2})$/.exec(isoMonth || "");
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const base = year * 10000 + month * 100;
  return { from: base + 1, to: base + last, year, month };
}

/** Today's date in the browser's own time zone, as "yyyy-MM-dd". */
export function todayIso(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** 0 = Monday … 6 = Sunday: Feishu's (and China's) week starts on Monday. */
export function weekdayMon0(dateInt) {
  const iso = intToIso(dateInt);
  const d = new Date(`${iso}T00:00:00Z`);
  return (d.getUTCDay() + 6) % 7;
}

/** A date for people, in the page's language. */
export function formatDate(dateInt, lang) {
  const d = new Date(`${intToIso(dateInt)}T00:00:00Z`);
  return d.toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", {
    timeZone: "UTC", year: "numeric", month: "long", day: "numeric", weekday: "short",
  });
}

/** A month for people, in the page's language. */
export function formatMonth(year, month, lang) {
  const d = new Date(Date.UTC(year, month - 1, 1));
  return d.toLocaleDateString(lang === "zh" ? "zh-CN" : "en-GB", {
    timeZone: "UTC", year: "numeric", month: "long",
  });
}

/**
 * Feishu times are "yyyy-MM-dd HH:mm". On the day being viewed the date part is noise, so only the
 * time is shown; a time on another day (night shifts) keeps its date so it cannot be misread.
 */
export function shortTime(value, dateInt) {
  if (typeof value !== "string" || value === "") return "—";
  const [day, time] = value.split(" ");
  if (time && dateInt && day === intToIso(dateInt)) return time;
  return value;
}
