import {defineConfig} from "vitest/config";

// Browser tests: one build and one server for the whole run (test/e2e/site.ts), one Chromium per file.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/site.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    fileParallelism: false
  }
});
