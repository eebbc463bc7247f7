// The asynchronous plumbing of the wasm module: HTTP attempts, waits between retries, and the
// workers of a range query. Every decision is the Rust side's (src/client.rs, src/range_run.rs):
// what to send, what a reply means, whether and when to try again, which day comes next and when a
// range stops. This file only waits: keeping the awaiting here instead of in Rust futures keeps an
// async runtime out of the wasm, about a third of its size.
//
// `fetch`, `setTimeout` and `AbortController` are the global ones, so this works the same in a page
// and in a Web Worker. `bridge(op, ...)` is the one function through which this file asks Rust
// (see src/bindings.rs for the operations).

const SETTLE = 0;
const NEXT_DAY = 1;
const SETTLE_DAY = 2;
const FINISH = 3;
const DROP = 4;

/**
 * One POST, giving up after `ms` milliseconds or when `signal` fires. Never throws: resolves to
 * `{ failure, detail }` when no reply came (failure: "aborted" | "timeout" | "network"), else to the
 * status, the headers that matter and the body (`parsed` says whether it was JSON, then `json`
 * holds it; else `text` does, for diagnosis; a body over `maxChars` is not parsed).
 */
async function post(call, ms) {
  const { signal } = call;
  const own = new AbortController();
  const abort = () => own.abort();
  const timer = setTimeout(abort, ms);
  signal?.addEventListener("abort", abort);
  try {
    // A signal that fired already sends no event.
    if (signal?.aborted) return { failure: "aborted" };
    const init = { method: "POST", headers: call.headers, body: call.body, credentials: call.credentials, signal: own.signal };
    const res = await fetch(call.url, init);
    const text = await res.text();
    const h = res.headers;
    const reply = {
      status: res.status,
      logId: h.get("x-tt-logid"),
      requestId: h.get("x-request-id"),
      reset: h.get("x-ogw-ratelimit-reset"),
      retryAfter: h.get("retry-after"),
      size: text.length,
      parsed: false,
    };
    if (text.length > call.maxChars) return reply;
    try {
      reply.json = JSON.parse(text);
      reply.parsed = true;
    } catch {
      reply.text = text;
    }
    return reply;
  } catch (e) {
    // Which signal fired decides; the rejection value may be anything the caller aborted with.
    const failure = signal?.aborted ? "aborted" : own.signal.aborted ? "timeout" : "network";
    return { failure, detail: String((e && e.message) || e) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/** Waits `ms`; resolves early, to true, when `signal` fires. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", wake);
      resolve(false);
    }, ms);
    signal?.addEventListener("abort", wake, { once: true });
  });
}

/**
 * Attempts until `settle` (Rust) says done: resolves to its value or throws its error.
 * `settle(attempt, retriesDone, deadline)` returns `{ ok: true, value }` or `{ ok: false, error, wait }`
 * (wait < 0: give up).
 */
async function attempts(call, settle) {
  const deadline = Date.now() + call.timeoutMs;
  for (let n = 0; ; n++) {
    const verdict = settle(await post(call, Math.max(0, deadline - Date.now())), n, deadline);
    if (verdict.ok) return verdict.value;
    if (verdict.wait < 0) throw verdict.error;
    if (await sleep(verdict.wait, call.signal)) throw settle({ failure: "aborted" }, n, deadline).error;
  }
}

/** `queryAllowedRemedys` after validation: `call` is what Rust prepared. */
export function runCall(call, bridge) {
  return attempts(call, (a, n, deadline) => bridge(SETTLE, 0, 0, a, n, deadline, call.retries, call.timeoutMs));
}

/**
 * `queryAllowedRemedysRange` after validation: `concurrency` workers take days from the plan (Rust,
 * handle `id`) until it has none; Rust records each day's final answer as it settles.
 */
export async function runRange(id, call, total, concurrency, onProgress, bridge) {
  let done = 0;
  const progress = () => {
    try {
      onProgress?.(done, total);
    } catch {
      // The caller's callback failing is not the range's failure.
    }
  };
  const worker = async () => {
    for (let day; (day = bridge(NEXT_DAY, id, 0)); ) {
      const dayCall = { ...call, url: day.url, body: day.body };
      await attempts(dayCall, (a, n, deadline) => bridge(SETTLE_DAY, id, day.i, a, n, deadline)).catch(() => {});
      done++;
      progress();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    if (call.signal?.aborted) throw bridge(SETTLE, 0, 0, { failure: "aborted" }, 0, 0).error;
    if (done < total) {
      // The plan stopped early: the rest are skipped, and a progress bar should reach its end.
      done = total;
      progress();
    }
    return bridge(FINISH, id, 0);
  } finally {
    bridge(DROP, id, 0);
  }
}
