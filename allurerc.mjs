// Allure 3 configuration for the acceptance suite's HTML report (`make report`, which builds it
// with support/report/html_report.py: `allure generate`, then one fix to the page it writes).
//
// The awesome plugin reads environment.properties from the results folder by itself, but takes
// failure categories only from this config.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "allure";

// The failure categories the harness also writes for Allure 2 (support/report/categories.json).
const CATEGORIES = JSON.parse(
  readFileSync(new URL("./support/report/categories.json", import.meta.url), "utf8"),
).map((c) => ({
  name: c.name,
  matchers: {
    ...(c.matchedStatuses ? { statuses: c.matchedStatuses } : {}),
    ...(c.messageRegex ? { message: new RegExp(c.messageRegex) } : {}),
  },
  expand: true,
}));

// Allure 3 keeps the dashboard's memory (trends, each scenario's earlier results, flaky ones) in
// one JSON Lines file: every `allure generate` reads it and appends its run. It lives in the
// ignored .run/ folder next to this file; CI keeps it between runs (README, "Split across
// machines"), and a check that must not touch it points ALLURE_HISTORY_PATH elsewhere.
const HISTORY =
  process.env.ALLURE_HISTORY_PATH ??
  fileURLToPath(new URL("./.run/allure-history.jsonl", import.meta.url));

export default defineConfig({
  name: "Merchant platform money paths",
  output: "allure-report",
  historyPath: HISTORY,
  // Enough for a fortnight of runs several times a day, small enough to stay a few megabytes.
  historyLimit: 50,
  categories: CATEGORIES,
  plugins: {
    awesome: {
      options: {
        reportName: "Merchant platform money paths",
        singleFile: true,
        groupBy: ["epic", "feature", "story"],
        reportLanguage: "en",
      },
    },
  },
});
