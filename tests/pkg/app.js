// The README's plain-page example as a module file (the recommended CSP blocks inline scripts),
// with the checks of check.js. The path is the README's: the project's folder served as is.
import * as remedy from "./node_modules/feishu-remedy/index.js";
import { check } from "./check.js";

window.__result = await check(remedy);
