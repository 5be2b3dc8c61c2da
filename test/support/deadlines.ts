/**
 * How long tests wait. These are deadlines, not expectations: a passing run
 * never waits them out, so they are set for a machine that is busy (a CPU hog
 * beside the suite, three workers on two cores), not for a quiet one.
 */

/** A spawned process (the server, the CLI, Redis) reaching its ready line or its exit. */
export const PROCESS_START_MS = 100_000;

/** An effect to appear: a mail in the capture, a log line, a row. */
export const EFFECT_WAIT_MS = 30_000;

/** A test that packs the SDK, installs it into a scratch project and type-checks there. */
export const PACKAGE_TEST_MS = 600_000;
