// A minimal static file server for the package test and the benchmark: serves one directory on a
// loopback port with the MIME types that matter (application/wasm lets the browser compile while
// downloading). Not for production.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * Serves `root` on 127.0.0.1:`port` (0 = a free one); resolves to `{ url, close }`. `isolated`
 * sends COOP/COEP so pages are cross-origin isolated: Chromium's `performance.now()` then ticks
 * in 5 µs steps instead of 100 µs, which the benchmark needs to time calls of a few ms. `headers`
 * go with every file (the package tests send the README's Content-Security-Policy).
 */
export function serve(root, port = 0, { isolated = false, headers = {} } = {}) {
  const isolation = isolated
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
    : {};
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path.includes("..")) {
      res.writeHead(400).end();
      return;
    }
    const file = join(root, path.endsWith("/") ? path + "index.html" : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] || "application/octet-stream",
        "cache-control": "no-store",
        ...isolation,
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const bound = server.address().port;
      resolve({ url: `http://127.0.0.1:${bound}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
