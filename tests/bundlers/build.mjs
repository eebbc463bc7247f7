// Builds the consumer app (main.js, or main-esbuild.js for esbuild's recipe) in CONSUMER, where
// scripts/test-bundlers.sh installed the packed package, with each bundler as a user configures it
// (the README's settings, nothing else), into CONSUMER/dist/<bundler>/ with an index.html; and,
// as dist/<bundler>-bare/, esbuild and Rollup without the README's recipe.
// Prints how long each build took, and fails if a build pulled in the Node entry (node:fs).
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import esbuild from "esbuild";
import { rollup } from "rollup";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";
import { build as vite } from "vite";
import webpack from "webpack";

const consumer = resolve(process.argv[2]);
const out = (name) => join(consumer, "dist", name);
const page = (script) => `<!doctype html>\n<html><head><meta charset="utf-8"></head><body>${script}</body></html>\n`;
const moduleScript = page('<script type="module" src="./main.js"></script>');

const BUILDS = {
  // Vite: nothing to configure (base "./" only so that the build can be served from a subfolder).
  async vite() {
    await writeFile(join(consumer, "index.html"), moduleScript);
    await vite({ root: consumer, base: "./", configFile: false, logLevel: "warn", build: { outDir: out("vite") } });
  },
  // webpack 5: nothing to configure; a classic deferred script, as html-webpack-plugin writes it.
  async webpack() {
    const stats = await promisify(webpack)({
      mode: "production",
      context: consumer,
      entry: "./main.js",
      output: { path: out("webpack"), filename: "main.js" },
    });
    if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
    await writeFile(join(out("webpack"), "index.html"), page('<script defer src="./main.js"></script>'));
  },
  // esbuild: the file loader for .wasm, and main-esbuild.js passes the URL it gives to init().
  async esbuild() {
    await esbuild.build({
      entryPoints: [join(consumer, "main-esbuild.js")],
      bundle: true,
      format: "esm",
      outfile: join(out("esbuild"), "main.js"),
      loader: { ".wasm": "file" },
      logLevel: "warning",
    });
    await writeFile(join(out("esbuild"), "index.html"), moduleScript);
  },
  // esbuild as a user would try it first, without that recipe: the .wasm is left behind.
  async "esbuild-bare"() {
    await esbuild.build({
      entryPoints: [join(consumer, "main.js")],
      bundle: true,
      format: "esm",
      outfile: join(out("esbuild-bare"), "main.js"),
      logLevel: "warning",
    });
    await writeFile(join(out("esbuild-bare"), "index.html"), moduleScript);
  },
  // Rollup: node-resolve, plus @web/rollup-plugin-import-meta-assets, which copies the .wasm that
  // `new URL(…, import.meta.url)` names.
  async rollup() {
    const bundle = await rollup({ input: join(consumer, "main.js"), plugins: [nodeResolve(), importMetaAssets()] });
    await bundle.write({ dir: out("rollup"), format: "es", entryFileNames: "main.js" });
    await bundle.close();
    await writeFile(join(out("rollup"), "index.html"), moduleScript);
  },
  // Rollup without that plugin: the .wasm is left behind.
  async "rollup-bare"() {
    const bundle = await rollup({ input: join(consumer, "main.js"), plugins: [nodeResolve()] });
    await bundle.write({ dir: out("rollup-bare"), format: "es", entryFileNames: "main.js" });
    await bundle.close();
    await writeFile(join(out("rollup-bare"), "index.html"), moduleScript);
  },
};

for (const [name, build] of Object.entries(BUILDS)) {
  const start = performance.now();
  await build();
  const files = await readdir(out(name), { recursive: true });
  const copiesWasm = !name.endsWith("-bare");
  if (files.some((f) => f.endsWith(".wasm")) !== copiesWasm) {
    throw new Error(`${name}: expected ${copiesWasm ? "a" : "no"} .wasm in its output: ${files.join(" ")}`);
  }
  for (const f of files.filter((f) => f.endsWith(".js"))) {
    if ((await readFile(join(out(name), f), "utf8")).includes("node:fs")) throw new Error(`${name}: ${f} has node:fs`);
  }
  console.log(`test-bundlers: ${name} built in ${((performance.now() - start) / 1000).toFixed(1)} s: ${files.join(" ")}`);
}
