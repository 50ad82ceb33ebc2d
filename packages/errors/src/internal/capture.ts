/**
 * How {@link newError}, {@link wrap} and the other package functions give their error a stack
 * that starts at *their caller* (godropbox skips its own frames with `runtime.Callers(3, …)`).
 * Both ways produce the same object as `new DropboxError(message, options)`; which is cheaper
 * depends on the V8 version (interleaved A/B in one process, `wrap` pair ÷ plain `Error` pair):
 *
 * - `constructAs`: `Reflect.construct(Error, args, fn)` with the public function `fn` as
 *   `new.target` (its `prototype` is `DropboxError.prototype`). `Error`'s one capture skips every
 *   frame up to and including `fn`'s, and no DropboxError constructor frame is walked at all
 *   (for these functions it would add nothing: no `code`, no `info`, `name` on the prototype).
 *   Node 24 (V8 13): 1.09–1.10× against 1.23–1.26×; Node 22 (V8 12): 1.15–1.16× against
 *   1.25–1.28×. On V8 11 (Node 20) 1.53–1.61×: V8 11 builds the instance's map on its slow path
 *   when `new.target` is not a class constructor.
 * - otherwise (V8 < 12): `new DropboxError` with `Error.stackTraceLimit` set to a non-number (V8
 *   then captures nothing), then `Error.captureStackTrace(error, fn)`: 1.27× on Node 20.
 *
 * The choice is made once, from `process.versions.v8`; tests flip it to check both ways.
 */
export const captureMode: { constructAs: boolean } = {
	constructAs: v8Major() >= 12,
};

/** The major version of V8 running this code; 0 elsewhere (Bun reports a `v8` version too). */
function v8Major(): number {
	const versions = (
		globalThis as { process?: { versions?: { v8?: unknown; bun?: unknown } } }
	).process?.versions;
	const version = versions?.v8;
	if (typeof version !== "string" || versions?.bun !== undefined) return 0;
	return Number.parseInt(version, 10) || 0;
}
