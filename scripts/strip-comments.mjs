// Removes whole-line comments and blank lines from the package's JavaScript (the wasm-bindgen glue
// and our snippets), in place: the size budget counts the bytes a page downloads, and the
// documentation lives in index.d.ts and the README. Only lines that are entirely a comment go,
// never code, so no parser is needed; build-pkg.sh then has node check the syntax of the result.
// (Safe for these files: none has a multi-line string or template literal.)
import { readFileSync, writeFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
  let inBlock = false;
  const kept = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const t = line.trim();
    if (inBlock) {
      inBlock = !t.includes("*/");
      continue;
    }
    if (t.startsWith("/*")) {
      inBlock = !t.includes("*/");
      continue;
    }
    if (t === "" || t.startsWith("//")) continue;
    kept.push(line.replace(/^\s+/, ""));
  }
  writeFileSync(file, kept.join("\n") + "\n");
}
