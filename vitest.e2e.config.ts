import {defineConfig} from "vitest/config";

// Browser tests: one build, one server, one Chromium for the whole run.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    fileParallelism: false
  }
});
