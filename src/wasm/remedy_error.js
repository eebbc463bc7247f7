// The error every failure of feishu-remedy rejects (or throws) with. Defined in JavaScript so it is
// a real `Error` subclass, with a stack, and `instanceof RemedyError` works. The wasm module imports
// this file and the package entry (index.js) re-exports the very same module, so both see one class.
// Its fields are documented, and typed, in the package's index.d.ts.

export class RemedyError extends Error {
  /**
   * Built by the wasm module only.
   * @param {string} message readable on its own
   * @param {object} fields kind, code, httpStatus, msg, logId, troubleshooter, category, field,
   *   problem, hint, meaning, retryable, retryAfterMs, nothingToCorrect, and signInUrl when the
   *   relay said where to sign in
   */
  constructor(message, fields) {
    super(message);
    Object.assign(this, fields);
  }
}

// On the prototype rather than on each instance, so it is not one of the enumerable fields, and it
// is in place before `super()` captures the stack ("RemedyError: ...").
RemedyError.prototype.name = "RemedyError";

/**
 * Builds a RemedyError from the wasm module's positional values (one call across the boundary
 * instead of one per field). Not part of the package's API: index.js re-exports the class only.
 */
export function makeRemedyError(
  message, kind, code, httpStatus, msg, logId, troubleshooter, category, field, problem,
  meaningZh, meaningEn, hintZh, hintEn, retryable, retryAfterMs, nothingToCorrect, signInUrl,
) {
  const e = new RemedyError(message, {
    kind,
    code: code ?? null,
    httpStatus: httpStatus ?? null,
    msg: msg ?? null,
    logId: logId ?? null,
    troubleshooter: troubleshooter ?? null,
    category,
    field: field ?? null,
    problem: problem ?? null,
    meaning: { zh: meaningZh, en: meaningEn },
    hint: { zh: hintZh, en: hintEn },
    retryable,
    retryAfterMs: retryAfterMs ?? null,
    nothingToCorrect,
  });
  // Only when there is one (absent, not null): `if (err.signInUrl)` is how a page asks.
  if (signInUrl != null) e.signInUrl = signInUrl;
  return e;
}
