// The web app's initial JS, gzipped: the scripts and module preloads index.html names (what a
// first visit downloads before anything shows); lazy chunks are not counted. Fails above the
// budget (250 kB, issue 17), so a heavy library has to be code-split. Run after `npm run build`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1000;
const web = join(import.meta.dirname, "../../src/taskflow/web");
const html = readFileSync(join(web, "index.html"), "utf8");
const files = [
  ...html.matchAll(/<script[^>]*\bsrc="\/([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+\.js)"/g),
].map((m) => m[1]);
let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(join(web, file))).length;
  total += size;
  console.log(`${(size / 1000).toFixed(2).padStart(9)} kB  ${file}`);
}
console.log(`${(total / 1000).toFixed(2).padStart(9)} kB  initial JS, gzipped (budget ${BUDGET / 1000} kB)`);
if (files.length === 0 || total >= BUDGET) {
  console.error(files.length === 0 ? "no scripts found in index.html" : "the initial JS is over budget: code-split it");
  process.exit(1);
}
