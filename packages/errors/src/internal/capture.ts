/**
 * How {@link newError}, {@link wrap} and the other package functions give their error a stack
 * that starts at *their caller* (godropbox skips its own frames with `runtime.Callers(3, …)`).
 * Both ways produce the same error; which is cheaper depends on the V8 version
 * (bench/count-instructions.sh, instructions per `wrap(new DropboxError(…), …)` pair ÷ plain
 * `new Error(msg, { cause })` ×2):
 *
 * - `constructAs`: `Reflect.construct(DropboxError, args, fn)`, the public function `fn` as
 *   `new.target`. `Error`'s one capture then skips every frame up to and including `fn`'s. On
 *   V8 ≥ 13 (Node 24): 1.19× against 1.29× for the other way. On V8 11/12 (Node 20/22) V8 builds
 *   the instance's map on its slow path when `new.target` is not a class constructor: 1.73× /
 *   1.50×.
 * - otherwise: construct with `Error.stackTraceLimit` set to a non-number (V8 then captures
 *   nothing), then `Error.captureStackTrace(error, fn)`. V8 11/12: 1.42× / 1.45×.
 *
 * The choice is made once, from `process.versions.v8`; tests flip it to check both.
 */
export const captureMode: { constructAs: boolean } = {
	constructAs: v8Major() >= 13,
};

function v8Major(): number {
	const version = (globalThis as { process?: { versions?: { v8?: unknown } } })
		.process?.versions?.v8;
	return typeof version === "string" ? Number.parseInt(version, 10) || 0 : 0;
}
