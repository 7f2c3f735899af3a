import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 120_000,
    // a file's beforeAll may train the tiny models it reads (seconds, longer on a busy machine)
    hookTimeout: 300_000,
    pool: "forks"
  }
});
