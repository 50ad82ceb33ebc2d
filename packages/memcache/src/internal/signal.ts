import { AbortError } from "../errors.js";

/**
 * Races `promise` against `signal`: an abort rejects with `AbortError` (cause = the reason)
 * while the request itself still runs to completion on its connection, so the pipeline stays
 * in sync. The listener is removed when either side settles.
 */
export function withSignal<T>(
	promise: Promise<T>,
	signal: AbortSignal | undefined,
): Promise<T> {
	if (signal === undefined) return promise;
	if (signal.aborted) return Promise.reject(new AbortError(signal.reason));
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(new AbortError(signal.reason));
		signal.addEventListener("abort", onAbort, { once: true });
		promise.then(
			(v) => {
				signal.removeEventListener("abort", onAbort);
				resolve(v);
			},
			(e: unknown) => {
				signal.removeEventListener("abort", onAbort);
				reject(e);
			},
		);
	});
}
