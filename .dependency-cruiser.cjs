// The layering rule (README "Architecture"): core ← db ← jobs ← functions, each layer importing
// only the layers below it; eval runs the pipeline's pure code; production code never reaches
// into the local stack, the tests, the evaluation or the benchmark.
//
// Paths are relative to the repository root. Type-only imports count like value imports
// (tsPreCompilationDeps): the rule is about the picture of the code, not about the bundle.
// Test files (*.test.ts next to the code, and test/) may import anything, so every rule
// leaves them out of `from`. Each forbidden import is reported once: imports of dev/, test/,
// eval/ and bench/ from production code by "production-not-to-dev-test-eval-bench", everything
// else by the rule of the importing layer.

/** Everything of the project itself (as opposed to npm packages and node builtins). */
const PROJECT = "^(core|db|jobs|functions|client|dev|test|eval|bench|docs)/|^[^/]+\\.(ts|mts|cts|js|mjs|cjs|json)$";
/** The programs around the product: the local stack, the tests, the evaluation, the benchmark. */
const NOT_PRODUCTION = "^(dev|test|eval|bench)/";
/** Tests may import anything. */
const TESTS = ["\\.test\\.ts$", "^test/"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-imports-nothing-of-the-project",
      comment:
        "core/ is shared by every layer (configuration, errors, logger, codecs, domain vocabulary), so it must not " +
        "depend on any of them: an import from core/ into db/, jobs/, functions/ (or dev/, test/, eval/, bench/) " +
        "would make every layer depend on that one.",
      severity: "error",
      from: { path: "^core/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: ["^core/", NOT_PRODUCTION] },
    },
    {
      name: "db-imports-only-core",
      comment:
        "db/ (schema, queries, client) sits on core/ only: the jobs and the HTTP surface use the database, " +
        "the database layer knows nothing of them.",
      severity: "error",
      from: { path: "^db/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: ["^(core|db)/", NOT_PRODUCTION] },
    },
    {
      name: "jobs-import-only-core-db-and-jobs",
      comment:
        "jobs/ is the pipeline's logic (steps, collect, analyze, math, reports); its HTTP wrapper lives in " +
        "functions/. Job code may use core/ and db/, never the HTTP surface (functions/) nor the programs " +
        "around the product (dev/, test/, eval/, bench/).",
      severity: "error",
      // jobs/math/ has its own, narrower rule below.
      from: { path: "^jobs/", pathNot: [...TESTS, "^jobs/math/"] },
      to: { path: PROJECT, pathNot: ["^(core|db|jobs)/", NOT_PRODUCTION] },
    },
    {
      name: "jobs-math-is-pure",
      comment:
        "jobs/math/ is pure analytics (no I/O) that eval/ runs on its own: it may import core/ and itself, " +
        "not db/ and not the other jobs/ folders (which do I/O and depend on it, not the other way round).",
      severity: "error",
      from: { path: "^jobs/math/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: ["^(core|jobs/math)/", NOT_PRODUCTION] },
    },
    {
      name: "functions-import-only-core-db-jobs-functions",
      comment:
        "functions/ is the HTTP surface (routes, middleware, services, auth, app, index, cron). It may use " +
        "core/, db/ and jobs/, but production code never imports the local stack, the tests, the evaluation " +
        "or the benchmark (dev/, test/, eval/, bench/).",
      severity: "error",
      from: { path: "^functions/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: ["^(core|db|jobs|functions)/", NOT_PRODUCTION] },
    },
    {
      name: "services-not-to-routes",
      comment:
        "functions/services/ is what route handlers call; a service importing a route would invert that " +
        "direction (and drag route definitions into every caller of the service).",
      severity: "error",
      from: { path: "^functions/services/", pathNot: TESTS },
      to: { path: "^functions/routes/" },
    },
    {
      name: "only-app-and-index-import-routes",
      comment:
        "The routes are mounted in one place: functions/app.ts (and the entry functions/index.ts). " +
        "Middleware, services, auth, errors, schemas, cron and the other routes must not reach into a route " +
        "file; what they share with a route belongs in a service, a schema or core/.",
      severity: "error",
      // functions/services/ has its own rule above (one report per import).
      from: { path: "^functions/", pathNot: [...TESTS, "^functions/(app|index)\\.ts$", "^functions/services/"] },
      to: { path: "^functions/routes/" },
    },
    {
      name: "production-not-to-dev-test-eval-bench",
      comment:
        "Production code (core/, db/, jobs/, functions/) is what gets deployed; dev/ (the local stack), " +
        "test/ (the harness), eval/ and bench/ are programs around it and are not part of the Worker.",
      severity: "error",
      from: { path: "^(core|db|jobs|functions)/", pathNot: TESTS },
      to: { path: NOT_PRODUCTION },
    },
    {
      name: "eval-imports-only-core-and-jobs",
      comment:
        "eval/ runs the same pure code the pipeline runs (core/, jobs/) on public data sets; it must not go " +
        "through the HTTP surface (functions/), the database layer (db/) or the local stack and tests.",
      severity: "error",
      from: { path: "^eval/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: "^(core|jobs|eval)/" },
    },
    {
      name: "client-imports-only-client",
      comment:
        "client/ is the typed client dashboards import (openapi-fetch over the types generated from the OpenAPI " +
        "document): it may import only its own files and npm packages, so it runs in any browser or Node. " +
        "Nothing of the product imports it back: core/, db/, jobs/ and functions/ are held to that by their own rules " +
        "(client/ is part of PROJECT). Only its generator, client/generate/, reads the app (functions/app.ts) to " +
        "write the document.",
      severity: "error",
      from: { path: "^client/", pathNot: [...TESTS, "^client/generate/"] },
      to: { path: PROJECT, pathNot: "^client/" },
    },
    {
      name: "client-generator-reads-only-the-app",
      comment:
        "client/generate/ builds the OpenAPI document from the code (createApp, openApiObject) and writes client/: " +
        "it may import functions/app.ts and its environment type, and client/, nothing else of the project.",
      severity: "error",
      from: { path: "^client/generate/", pathNot: TESTS },
      to: { path: PROJECT, pathNot: ["^client/", "^functions/(app|app-env)\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports (`import type`, `import { type X }`) are dependencies too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // tsconfig uses moduleResolution "Bundler": extensionless relative imports of .ts files.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
