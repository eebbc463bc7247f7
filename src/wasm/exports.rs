//! The JavaScript API: `configure`, `queryAllowedRemedys`, `queryAllowedRemedysRange`,
//! `currentUser` and their TypeScript types (the `RemedyError` objects they fail with are made by `js_error`). Public to
//! Rust only so that the browser tests call exactly what JavaScript calls.
//!
//! The exports validate synchronously (a bad input rejects at once), then run the call as a Rust
//! future turned into a `Promise` (`wasm-bindgen-futures`). Every export returns a `Result` or a
//! `Promise`, and every failure becomes a `RemedyError` instance (the class in
//! `remedy_error.js`, beside this file), so nothing a page passes can make the module trap.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::wasm::js::spawn;
use crate::wasm::js_error::error_to_js;
use crate::wasm::{call, input, options, range, user};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** How `user_id` identifies the employee: the user ID of the admin console, or the employee number. */
export type EmployeeType = "employee_id" | "employee_no";
/** 1 = on duty (clock in), 2 = off duty (clock out). */
export type WorkType = 1 | 2;
/** Why a punch needs correcting: left early, came late, or missing. */
export type PunchStatus = "Early" | "Late" | "Lack";

/** The request, shaped like the official Node SDK's call. */
export interface QueryAllowedRemedysRequest {
  params: { employee_type: EmployeeType };
  /** `remedy_date` is the day as a number written yyyyMMdd, e.g. 20210104. */
  data: { user_id: string; remedy_date: number };
}

/** A month (or any range up to 62 days), asked day by day. `from` and `to` are yyyyMMdd, inclusive. */
export interface QueryAllowedRemedysRangeRequest {
  params: { employee_type: EmployeeType };
  data: { user_id: string; from: number; to: number };
}

/**
 * One correctable punch, wire names unchanged. Every field is optional, as in Feishu's SDKs, and
 * values Feishu adds later are passed through rather than refused.
 */
export interface AllowedRemedy {
  user_id?: string;
  /** yyyyMMdd */
  remedy_date?: number;
  /** A free shift: the user picks a time and `punch_no` does not matter. */
  is_free_punch?: boolean;
  /** 0 = 1st on/off pair of the day, 1 = 2nd, 2 = 3rd. */
  punch_no?: number;
  work_type?: WorkType | (number & {});
  punch_status?: PunchStatus | (string & {});
  /** The scheduled time, `yyyy-MM-dd HH:mm`. */
  normal_punch_time?: string;
  /** The earliest time a correction may claim, `yyyy-MM-dd HH:mm`. */
  remedy_start_time?: string;
  /** The latest time a correction may claim, `yyyy-MM-dd HH:mm`. */
  remedy_end_time?: string;
}

/** Feishu's reply, wire names unchanged; the list is always present (empty when Feishu sent none). */
export interface QueryAllowedRemedysResponse {
  code: 0;
  msg: string;
  data: { user_allowed_remedys: AllowedRemedy[] };
  /** X-Tt-Logid: what Feishu support asks for. */
  log_id?: string;
}

/** fetch's `credentials`. */
export type RelayCredentials = "omit" | "same-origin" | "include";

/** Where the relay is and how to talk to it. */
export interface RelayOptions {
  /** The relay's base URL (http or https); Feishu's path is appended to it. */
  relayUrl: string;
  /** Time limit of a whole call, retries included, in ms (1 to 600000). Default 10000. In a range query, of each day's call. */
  timeoutMs?: number;
  /** Extra request headers, e.g. a bearer key or CSRF token for the relay. */
  headers?: Record<string, string> | Headers | Map<string, string>;
  credentials?: RelayCredentials;
  /** Cancels the call (or the whole range). */
  signal?: AbortSignal | null;
  /** Retries of retryable failures (rate limit, server fault, network): 0 to 10. Default 2. */
  retries?: number;
  /**
   * For a relay in `token` access: the signed token, sent as `Authorization: Bearer <token>` (over
   * an `authorization` in `headers`). A function is called at each call (in a range, each day's),
   * so a page gives a fresh token each time without calling `configure` again; it may return a
   * promise, which counts against `timeoutMs`. Never part of an error's message or fields.
   */
  token?: string | (() => string | Promise<string>);
}

/**
 * Options of a range query: relay options plus how many days to ask at once, and progress.
 * `timeoutMs` and `retries` apply to each day's call; `signal` cancels the whole range.
 */
export interface RangeOptions extends Partial<RelayOptions> {
  /** Days asked at once, 1 to 16. Default 4. */
  concurrency?: number;
  /**
   * Called after every day with the number of days done, the total, and that day's result (the
   * same object the final array holds), so a page can show days as they come and keep them if it
   * cancels. Calls without a day: for a day cut short by `signal`, and, when the range stops
   * early, a last one that brings `done` to `total`.
   */
  onProgress?: (done: number, total: number, day?: DayResult) => void;
  /**
   * Ask Feishu's punch results (`user_tasks/query`) once for the whole range first, and
   * `query_user_allowed_remedys` only for the days they do not settle. Default true; `false` asks
   * every day. If the punch-results call fails, every day is asked (see `RangeResult.prefilter`).
   */
  prefilter?: boolean;
}

/** What happened at a scheduled punch, as Feishu's punch results say; later values pass through. */
export type CheckResult = "Normal" | "NoNeedCheck" | "SystemCheck" | "Early" | "Late" | "Lack" | "Todo";

/** A punch itself (`check_in_record`, `check_out_record`), as the relay leaves it. */
export interface Punch {
  /** When the person punched: Unix seconds, as a decimal string (e.g. "1709255520"). */
  check_time?: string | null;
  /** How: 0 user, 1 admin change, 2 correction, 3 system, 4 off-duty exemption, 5 attendance machine, 6 quick punch, 7 imported. */
  type?: number | null;
}

/**
 * One on/off pair of a day's shift, from Feishu's punch results (`user_tasks/query`): Feishu's record
 * itself, wire names unchanged, as the relay minimized it. Times are Unix seconds in decimal strings
 * and Feishu's days are China time (UTC+8): the page words them, e.g. `check_in_result: "Late"` with
 * `check_in_record.check_time` at 09:12 is "late at 09:12"; `check_out_result: "Lack"` without
 * `check_out_record` is "no clock-out". The fields below are checked to have these types; fields not
 * listed here that Feishu sends (record ids, `task_shift_type`) pass through unchecked.
 */
export interface PunchRecord {
  check_in_result?: CheckResult | (string & {}) | null;
  check_out_result?: CheckResult | (string & {}) | null;
  /** Why the result is what it is: "None", "CardReplacement" (a correction approved), "CardReplacementApplication" (one pending), "Leave", ... */
  check_in_result_supplement?: string | null;
  check_out_result_supplement?: string | null;
  /** The clock-in punch; absent (or null) without one. */
  check_in_record?: Punch | null;
  check_out_record?: Punch | null;
  /** When the shift wanted the clock-in: Unix seconds, as a decimal string. */
  check_in_shift_time?: string | null;
  check_out_shift_time?: string | null;
}

/**
 * What decided a day: `query` (query_user_allowed_remedys was asked, or a day skipped after its
 * stop), `punch_results` (every punch fine: nothing to correct, no call), `calendar` (a day after
 * today without punch results: nothing to correct yet, no call).
 */
export type DecidedBy = "query" | "punch_results" | "calendar";

/**
 * Fields every day of a range has: `date` is yyyyMMdd; `punches`, when punch results covered the day
 * (and the range used them): the day's records in the reply's order, one per on/off pair.
 */
export interface DayFields { date: number; punches?: PunchRecord[] }

/** What became of one day of a range. */
export type DayResult = DayFields & (
  | { status: "ok"; entries: AllowedRemedy[]; logId: string | null; decidedBy: "query" }
  /** `logId`: Feishu's 1226501 reply's, or the punch-results reply's for a day settled without asking. */
  | { status: "nothing_to_correct"; logId: string | null; decidedBy: DecidedBy }
  | { status: "error"; error: RemedyError; decidedBy: "query" }
  /** Not asked: an earlier day answered 1226502 (group forbids) or 1226504 (quota used up). */
  | { status: "skipped"; reason: RemedyError; decidedBy: "query" }
);

/**
 * How the punch results served a range: `used` (asked; the days they settle were not asked),
 * `fallback` (asked but unusable, e.g. a relay without the route: every day was asked; `error`
 * says why when the call failed), `off` (`prefilter: false`).
 */
export interface PrefilterReport { status: "used" | "fallback" | "off"; error?: RemedyError }

/** A range's days in date order, and how the punch results served it. */
export type RangeResult = DayResult[] & { prefilter: PrefilterReport };

/** What went wrong, for programs. */
export type RemedyErrorKind = "validation" | "network" | "timeout" | "aborted" | "http" | "decode" | "api";
/** Who can act on it. */
export type RemedyErrorCategory =
  | "caller_input" | "permission" | "business_rule" | "rate_limit" | "token"
  | "server" | "network" | "cancelled" | "unknown";
/** The input a validation error is about. */
export type RemedyErrorField =
  | "token"
  | "request" | "params" | "data" | "params.employee_type" | "data.user_id" | "data.remedy_date"
  | "data.from" | "data.to" | "options" | "relayUrl" | "timeoutMs" | "retries" | "concurrency"
  | "headers" | "credentials" | "signal" | "onProgress" | "prefilter";
/** A text in Chinese and English. */
export interface LocalizedText { zh: string; en: string }

/** Every failure rejects with this: a real Error (with a stack); `message` is readable alone. */
export declare class RemedyError extends Error {
  private constructor();
  readonly name: "RemedyError";
  readonly kind: RemedyErrorKind;
  /** Feishu's code (or the relay's, in Feishu's format), when there is one. */
  readonly code: number | null;
  readonly httpStatus: number | null;
  /** Feishu's own message, as sent. */
  readonly msg: string | null;
  /** X-Tt-Logid: give it to Feishu support. */
  readonly logId: string | null;
  /** Feishu's troubleshooting text, with a link. */
  readonly troubleshooter: string | null;
  readonly category: RemedyErrorCategory;
  /** For validation errors: the field at fault. */
  readonly field: RemedyErrorField | null;
  /** A stable reason code: for validation, e.g. "missing", "not_an_integer"; for http/decode, e.g. "html". */
  readonly problem: string | null;
  /** What happened. */
  readonly meaning: LocalizedText;
  /** What to do about it. */
  readonly hint: LocalizedText;
  /** Whether the same request can succeed later. */
  readonly retryable: boolean;
  /** How long the server asked to wait, when it did. */
  readonly retryAfterMs: number | null;
  /** 1226501: that day has nothing to correct (good news, not a failure). */
  readonly nothingToCorrect: boolean;
  /** Where to sign in: present only on the relay's 401 (code 98000441) when it names its sign-in page. */
  readonly signInUrl?: string;
}

/**
 * Who the relay says is signed in (`GET {relayUrl}/auth/me`). A field is absent when the relay
 * gave none; `admin` may ask about anyone.
 */
export interface CurrentUser {
  userId?: string;
  employeeNo?: string;
  name?: string;
  admin: boolean;
}

/**
 * What `configure` keeps: the relay options, and a range query's `concurrency`, `onProgress` and
 * `prefilter` (checked here too; single-day queries ignore them).
 */
export interface ConfigureOptions extends RelayOptions {
  concurrency?: RangeOptions["concurrency"];
  onProgress?: RangeOptions["onProgress"];
  prefilter?: RangeOptions["prefilter"];
}
"#;

/// Stores the relay options every call starts from. Throws a `RemedyError` on a bad option.
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ConfigureOptions")] options: JsValue,
) -> Result<(), JsValue> {
    options::configure(&options).map_err(|e| error_to_js(&e.into()))
}

/// Which punches of one day can still be corrected. Rejects with a `RemedyError`.
#[wasm_bindgen(
    js_name = queryAllowedRemedys,
    unchecked_return_type = "Promise<QueryAllowedRemedysResponse>"
)]
pub fn query_allowed_remedys(
    #[wasm_bindgen(unchecked_param_type = "QueryAllowedRemedysRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Partial<RelayOptions>")] options: JsValue,
) -> Promise {
    let checked =
        input::single_query(&request).and_then(|query| Ok((query, options::for_call(&options)?)));
    match checked {
        Ok((query, relay)) => spawn(Box::pin(async move {
            let reply = call::run(&relay, &query).await;
            reply.map(|r| r.to_js()).map_err(|e| error_to_js(&e))
        })),
        // Rejected, not thrown: callers of an async API catch rejections.
        Err(e) => Promise::reject(&error_to_js(&e.into())),
    }
}

/// Every day from `data.from` to `data.to`, in date order. Rejects with a `RemedyError` on bad
/// input or when cancelled; each day's own failure is that day's result.
#[wasm_bindgen(
    js_name = queryAllowedRemedysRange,
    unchecked_return_type = "Promise<RangeResult>"
)]
pub fn query_allowed_remedys_range(
    #[wasm_bindgen(unchecked_param_type = "QueryAllowedRemedysRangeRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RangeOptions")] options: JsValue,
) -> Promise {
    let checked =
        input::range_query(&request).and_then(|query| Ok((query, options::for_range(&options)?)));
    match checked {
        Ok((query, (relay, extras))) => range::start(query, relay, extras),
        Err(e) => Promise::reject(&error_to_js(&e.into())),
    }
}

/// Who is signed in at the relay (`GET {relayUrl}/auth/me`), or `null` when no one is (the
/// relay's 401, 98000441). Rejects with a `RemedyError` otherwise: a relay without sign-in
/// (`open` or `bearer` access) answers 404, code 98000404.
#[wasm_bindgen(
    js_name = currentUser,
    unchecked_return_type = "Promise<CurrentUser | null>"
)]
pub fn current_user(
    #[wasm_bindgen(unchecked_optional_param_type = "Partial<RelayOptions>")] options: JsValue,
) -> Promise {
    match options::for_call(&options) {
        Ok(relay) => spawn(Box::pin(user::current(relay))),
        Err(e) => Promise::reject(&error_to_js(&e.into())),
    }
}
