// Prints one "N passed, N failed" line from vitest's JSON report, so CI can tell how many tests ran.
import { readFileSync } from 'node:fs';

interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  numFailedTestSuites?: number;
}

const reportPath = process.argv[2] ?? 'test-results/vitest.json';
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport;
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file whose setup failed runs none of its tests: they count as skipped, and the file as failed.
const failedFiles = report.numFailedTestSuites ?? 0;
console.log(
  `\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}` +
    (failedFiles > 0 ? ` (${failedFiles} test files failed)` : ''),
);
if (passed === 0 || failed > 0 || skipped > 0 || failedFiles > 0) process.exit(1);
