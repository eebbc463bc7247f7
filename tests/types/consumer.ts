// A consumer of the published types (pkg/index.d.ts, generated from src/wasm/exports.rs), compiled
// with `tsc --noEmit` by scripts/test-types.sh. Each `@ts-expect-error` line must NOT compile: if
// the types ever loosen (to `any`, to plain `string`), tsc reports the unused directive and fails.
import init, {
  configure,
  currentUser,
  initSync,
  queryAllowedRemedys,
  queryAllowedRemedysRange,
  RemedyError,
  type AllowedRemedy,
  type CurrentUser,
  type PunchRecord,
  type DayResult,
  type EmployeeType,
  type RangeResult,
  type QueryAllowedRemedysRequest,
  type QueryAllowedRemedysResponse,
  type RemedyErrorKind,
} from "feishu-remedy";

export async function main(): Promise<void> {
  await init(); // optional (the first query loads the module), to load early
  await init({ module_or_path: new URL("https://cdn.example/feishu_remedy_bg.wasm") });
  await init({ module_or_path: fetch("/feishu_remedy_bg.wasm") });
  // @ts-expect-error only the object form: wasm-bindgen deprecates init(url)
  await init("/feishu_remedy_bg.wasm");
  // @ts-expect-error the object form for initSync too
  initSync(new Uint8Array(8));
  const exports: { memory: WebAssembly.Memory } = initSync({ module: new Uint8Array(8) });
  void exports;
  configure({ relayUrl: "https://relay.example", timeoutMs: 5000, retries: 1, headers: { "x-csrf": "t" } });
  // @ts-expect-error relayUrl is required by configure
  configure({ timeoutMs: 5000 });
  // @ts-expect-error credentials is fetch's union, not any string
  configure({ relayUrl: "https://relay.example", credentials: "sometimes" });
  // The range options are configure's too; a token is a string or a function giving one.
  configure({ relayUrl: "https://relay.example", concurrency: 2, onProgress: (done, total) => console.log(done, total) });
  configure({ relayUrl: "https://relay.example", token: "eyJ.x.y" });
  configure({ relayUrl: "https://relay.example", token: () => "eyJ.x.y" });
  configure({ relayUrl: "https://relay.example", token: async () => "eyJ.x.y", credentials: "include" });
  // @ts-expect-error a token is text, not a number
  configure({ relayUrl: "https://relay.example", token: 42 });
  // @ts-expect-error a token function gives a string
  configure({ relayUrl: "https://relay.example", token: () => 42 });

  const me: CurrentUser | null = await currentUser();
  const meToo: CurrentUser | null = await currentUser({ credentials: "include", token: () => "t" });
  if (me !== null) {
    const admin: boolean = me.admin;
    const id: string | undefined = me.userId;
    const no: string | undefined = me.employeeNo;
    const name: string | undefined = me.name;
    void [admin, id, no, name, meToo];
    // @ts-expect-error the name may be absent
    const sure: string = me.name;
    void sure;
  }

  const request: QueryAllowedRemedysRequest = {
    params: { employee_type: "employee_id" },
    data: { user_id: "abd754f7", remedy_date: 20210104 },
  };
  const controller = new AbortController();
  const res: QueryAllowedRemedysResponse = await queryAllowedRemedys(request, { signal: controller.signal });
  const code: 0 = res.code;
  const list: AllowedRemedy[] = res.data.user_allowed_remedys;
  const logId: string | undefined = res.log_id;
  void code;
  void logId;

  for (const e of list) {
    if (e.work_type === 1) console.log("on duty");
    if (e.punch_status === "Lack") console.log("missing");
    const when: string | undefined = e.remedy_end_time;
    void when;
    // @ts-expect-error punch_no is a number
    const no: string = e.punch_no;
    void no;
  }

  // @ts-expect-error employee_type is a literal union
  await queryAllowedRemedys({ params: { employee_type: "open_id" }, data: { user_id: "u", remedy_date: 20210104 } });
  // @ts-expect-error remedy_date is a yyyyMMdd number, not a string
  await queryAllowedRemedys({ params: { employee_type: "employee_no" }, data: { user_id: "u", remedy_date: "20210104" } });
  // @ts-expect-error data is required
  await queryAllowedRemedys({ params: { employee_type: "employee_no" } });
  const wrongType: EmployeeType[] = ["employee_id", "employee_no"];
  // @ts-expect-error not an EmployeeType
  wrongType.push("user_id");

  const days: DayResult[] = await queryAllowedRemedysRange(
    { params: { employee_type: "employee_id" }, data: { user_id: "u", from: 20240301, to: 20240331 } },
    { concurrency: 4, onProgress: (done: number, total: number) => console.log(done, total) },
  );
  for (const day of days) {
    const date: number = day.date;
    void date;
    const punches: PunchRecord[] | undefined = day.punches;
    for (const p of punches ?? []) {
      const late: boolean = p.check_in_result === "Late";
      const at: string | null | undefined = p.check_in_record?.check_time;
      const missing: boolean = p.check_out_result === "Lack" && p.check_out_record == null;
      const clock = (unix: string) =>
        new Date(Number(unix) * 1000).toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit" });
      void [late, at && clock(at), missing, p.check_out_shift_time, p.check_in_result_supplement, p.check_in_record?.type];
      // @ts-expect-error times are Unix seconds in strings, not numbers
      const n: number = p.check_in_shift_time;
      void n;
      // @ts-expect-error the module does not reshape Feishu's records
      void p.checkIn;
    }
    switch (day.status) {
      case "ok":
        console.log(day.entries.length);
        // @ts-expect-error an answered day was decided by the query
        if (day.decidedBy === "punch_results") console.log("never");
        break;
      case "nothing_to_correct":
        if (day.decidedBy === "punch_results" || day.decidedBy === "calendar") console.log("no call spent");
        // @ts-expect-error decidedBy is a literal union
        if (day.decidedBy === "guess") console.log("never");
        break;
      case "error":
        console.log(day.error.code, day.error.hint.en);
        break;
      case "skipped":
        console.log(day.reason.code);
        // @ts-expect-error a skipped day has a reason, not entries
        console.log(day.entries);
        break;
      default: {
        const never: never = day;
        void never;
      }
    }
  }
  // @ts-expect-error onProgress takes numbers
  await queryAllowedRemedysRange(days as never, { onProgress: (done: string) => done });

  // The resolved array also says how the punch results served it.
  const month: RangeResult = await queryAllowedRemedysRange(
    { params: { employee_type: "employee_id" }, data: { user_id: "u", from: 20240301, to: 20240331 } },
    { prefilter: false },
  );
  const status: "used" | "fallback" | "off" = month.prefilter.status;
  const why: RemedyError | undefined = month.prefilter.error;
  void [status, why?.code, month.length];
  // @ts-expect-error prefilter is a boolean
  await queryAllowedRemedysRange(month as never, { prefilter: "no" });
  // @ts-expect-error the status is a literal union
  if (month.prefilter.status === "partial") console.log("never");

  try {
    await queryAllowedRemedys(request);
  } catch (err) {
    if (err instanceof RemedyError) {
      const kind: RemedyErrorKind = err.kind;
      const status: number | null = err.httpStatus;
      const wait: number | null = err.retryAfterMs;
      const text: string = err.meaning.zh + err.hint.en + err.message;
      const nothing: boolean = err.nothingToCorrect;
      void [kind, status, wait, text, nothing, err.logId, err.code, err.field, err.category, err.stack];
      const signIn: string | undefined = err.signInUrl;
      if (err.field === "token" && err.category === "permission") console.log(signIn);
      // @ts-expect-error signInUrl is absent, not null, when there is none
      const nullable: string | null = err.signInUrl;
      void nullable;
      // @ts-expect-error kind is a literal union
      if (err.kind === "teapot") console.log("never");
      // @ts-expect-error the class is built by the module only
      new RemedyError();
    }
  }
}
