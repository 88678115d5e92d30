// Runs in every test file's environment before its tests (jest.config.js setupFiles).
// The AWS SDK warns once per module registry, so once per test file, that its releases after January 2027
// need Node.js 22; the project supports Node.js 20 (package.json engines). This is the SDK's documented
// switch, set for the tests only: the shipped handlers leave it alone, so a Lambda still logs the warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Any SDK client a test has not pointed at a stand-in (AWS_ENDPOINT_URL_<SERVICE> or `endpoint`) is refused
// on loopback instead of reaching AWS: nothing in the tests may leave the machine. The global setting covers
// every service, Organizations (a global service, organizations.us-east-1.amazonaws.com) included. Port 9
// (discard) has no listener here. A test that checks the SDK's own endpoint resolution deletes this first.
process.env.AWS_ENDPOINT_URL ??= 'http://127.0.0.1:9';

// The handlers check a write within its invocation at offsets of 0.5 to 4 s (src/core/retry-policy.ts); the
// emulator in tests provisions in milliseconds, so the tests check at a tenth of them (50 to 400 ms), still
// spaced enough for the emulator's 20 requests per second.
process.env.SSO_CHECK_TIME_SCALE ??= '0.1';
