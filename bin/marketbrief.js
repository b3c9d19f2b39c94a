#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript run through Node's type stripping (Node >= 22.18 / 24).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `marketbrief needs Node.js 22.18 or newer (found ${process.version}); run it through npx or npm scripts, which use the project's pinned Node 24.\n`,
  );
  process.exit(1);
}
await import("../src/cli.ts");
