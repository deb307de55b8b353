import { defineConfig } from '@playwright/test';

// The command-map benchmark (docs/benchmarks.md, "Events"). scripts/bench-events.sh starts the
// server on a township with a million events first. Same Chromium as the end-to-end tests,
// one worker so that nothing else competes for the two cores while frames are timed.
const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3900';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  // In-app navigation to the command map sometimes never completes (docs/benchmarks.md): retry.
  retries: 2,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'hydrated', use: { javaScriptEnabled: true } }],
});
