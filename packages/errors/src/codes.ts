/**
 * Every code this package puts on errors it creates. Match on `code`, not on message text.
 */
export const ErrorsErrorCode = Object.freeze({
	/**
	 * {@link rootError} gave up after `ROOT_ERROR_MAX_STEPS` (20) unwrap steps (godropbox:
	 * `too many iterations: <type>`). The error's `cause` is the error reached at that point.
	 */
	TOO_MANY_ITERATIONS: "ERR_ERRORS_TOO_MANY_ITERATIONS",
} as const);

/** One of the {@link ErrorsErrorCode} values. */
export type ErrorsErrorCode =
	(typeof ErrorsErrorCode)[keyof typeof ErrorsErrorCode];
