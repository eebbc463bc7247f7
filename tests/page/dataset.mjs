// PLACEHOLDER until relay/README.md documents the simulation's dataset.
const pad = (n) => String(n).padStart(2, "0");
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = new Date();
export const DATA = {
  missing: { user: "one", date: iso(today), rows: [["1st", "On duty (in)", "Missing"]] },
  twoShifts: { user: "two", date: iso(today), rows: [["1st", "On duty (in)", "Late"], ["2nd", "Off duty (out)", "Left early"], ["3rd", "Off duty (out)", "Missing"]] },
  free: { user: "free", date: iso(today) },
  nothing: { user: "1226501", date: iso(today) },
  errors: [
    { name: "group-forbids", user: "1226502", date: iso(today), code: 1226502, http: 400 },
    { name: "server-fault", user: "1225000", date: iso(today), code: 1225000, http: 500 },
  ],
  month: { user: "demo", month: iso(today).slice(0, 7) },
};
