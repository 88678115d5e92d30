// Jest's default reporter and summary, but a test file that passes prints nothing: no PASS line and none of
// its console output. A failing file is printed as the default reporter prints it (header, console output,
// failures), so a green `npm test` fits on one screen and a red one still shows what explains the failure.
// Jest's summary is printed from here rather than by listing 'summary' in jest.config.js: Jest adds that one
// after every custom reporter, which would push the project's closing line above it.
const { DefaultReporter, SummaryReporter } = require('@jest/reporters');

/** @param {import('@jest/test-result').TestResult} result */
function failed(result) {
  return result.numFailingTests > 0 || result.testExecError !== undefined || Boolean(result.failureMessage);
}

class FailuresReporter extends DefaultReporter {
  /** @param {import('@jest/types').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    super(globalConfig);
    this.summary = new SummaryReporter(globalConfig);
  }

  /**
   * @param {import('@jest/test-result').AggregatedResult} aggregated
   * @param {import('@jest/reporters').ReporterOnStartOptions} options
   */
  onRunStart(aggregated, options) {
    super.onRunStart(aggregated, options);
    this.summary.onRunStart(aggregated, options);
  }

  /**
   * @param {import('@jest/test-result').Test} test
   * @param {import('@jest/test-result').TestResult} result
   * @param {import('@jest/test-result').AggregatedResult} aggregated
   */
  onTestResult(test, result, aggregated) {
    if (failed(result)) {
      super.onTestResult(test, result, aggregated);
      return;
    }
    // What the default reporter does besides printing: keep its progress status and flush buffered output.
    this.testFinished(test.context.config, result, aggregated);
    this.forceFlushBufferedOutput();
  }

  /**
   * @param {Set<import('@jest/test-result').TestContext>} contexts
   * @param {import('@jest/test-result').AggregatedResult} aggregated
   */
  onRunComplete(contexts, aggregated) {
    super.onRunComplete();
    this.summary.onRunComplete(contexts, aggregated);
  }
}

module.exports = FailuresReporter;
