/**
 * The clocks of the suites whose faults are invocations that do not finish (an environment
 * killed, a dependency answering after the function timeout): the deployed rules at a smaller
 * scale, seconds instead of minutes, so redeliveries fit in a test.
 *
 * They are chosen so that only the injected faults cause timeouts, however busy the machine: a
 * healthy one-page document must fit its budget even in a cold environment on a saturated
 * machine, so the budget is generous, and the function timeout leaves that budget after the time
 * the handler keeps for recording (5 s).
 */
export const DOCUMENT_TIMEOUT_SECONDS = 8;
export const FUNCTION_TIMEOUT_SECONDS = 15;
/** Twice the function timeout: room for a cold start on top, so only the faults cause redeliveries. */
export const VISIBILITY_TIMEOUT_SECONDS = 2 * FUNCTION_TIMEOUT_SECONDS;
/** Longer than any invocation may run: a request held this long is a hung dependency. */
export const HUNG_MS = 10 * 60_000;

/**
 * Ceiling for a document that needs `redeliveries` visibility timeouts to settle, with three times
 * as much again for a busy machine (a ceiling only: every case waits for what it observes).
 */
export const settleMs = (redeliveries: number) => 4 * (redeliveries + 1) * VISIBILITY_TIMEOUT_SECONDS * 1000;

/** The clocks as the test runtime takes them. */
export const INVOCATION_CLOCKS = {
  functionTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
  documentTimeoutSeconds: DOCUMENT_TIMEOUT_SECONDS,
  queueVisibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
} as const;
