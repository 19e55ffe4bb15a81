import { renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** The bundle the page loads (not committed: built by `npm run dashboard:build`, which dev, deploy and the tests run first). */
export const DASHBOARD_BUNDLE = join(root, "public/dashboard/app.js");

/**
 * Bundles dashboard/src (and Chart.js, from node_modules) into one ES module. Written to a
 * temporary file and renamed, so test files building at the same time never serve a half-written one.
 */
export async function buildDashboard(): Promise<void> {
  const result = await build({
    entryPoints: [join(root, "dashboard/src/main.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "eof",
    write: false,
  });
  const temporary = `${DASHBOARD_BUNDLE}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, result.outputFiles[0]!.contents);
  renameSync(temporary, DASHBOARD_BUNDLE);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboard();
