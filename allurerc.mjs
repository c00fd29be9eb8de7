// Allure 3 configuration for the acceptance suite's HTML report (`npm run report`).
//
// The awesome plugin reads environment.properties from the results folder by itself, but takes
// failure categories only from this config.
import { readFileSync } from "node:fs";
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

export default defineConfig({
  name: "Merchant platform money paths",
  output: "allure-report",
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
