import { MAX_CAUSE_DEPTH } from "../limits.js";

/** Why a linear walk stopped. */
export type WalkEnd = "end" | "cycle" | "depth";

/** `true` when `value` has a `cause` worth following (present and not `undefined`/`null`). */
export function hasCause(value: unknown): value is { readonly cause: unknown } {
	if (typeof value !== "object" || value === null) return false;
	const cause = (value as { cause?: unknown }).cause;
	return cause !== undefined && cause !== null;
}

/**
 * Calls `visit` on `start`, then on its `cause`, and so on: outermost first, linear (no
 * `AggregateError` members). Stops when there is no further cause, when `visit` returns `true`,
 * on a cycle (an error seen before) or after {@link MAX_CAUSE_DEPTH} errors.
 */
export function walkCauseChain(
	start: unknown,
	visit: (value: unknown, index: number) => boolean | undefined,
): WalkEnd {
	const seen: unknown[] = [];
	let current: unknown = start;
	for (let i = 0; ; i++) {
		if (i >= MAX_CAUSE_DEPTH) return "depth";
		if (visit(current, i) === true) return "end";
		if (!hasCause(current)) return "end";
		seen.push(current);
		current = current.cause;
		if (seen.includes(current)) return "cycle";
	}
}

/**
 * Every error reachable from `start`, depth first: an error, then the members of its `errors`
 * array (an `AggregateError` or anything error-like with an `errors` array) each with their own
 * chains, then its `cause`. Each object is yielded once (cycles end there); at most
 * {@link MAX_CAUSE_DEPTH} values are yielded in total.
 */
export function* iterateCauses(
	start: unknown,
): Generator<unknown, void, undefined> {
	if (start === undefined || start === null) return;
	const seen = new Set<unknown>();
	// An explicit stack instead of recursion: no generator nesting, no call-depth limit.
	const stack: unknown[] = [start];
	let yielded = 0;
	while (stack.length > 0 && yielded < MAX_CAUSE_DEPTH) {
		const value = stack.pop();
		if (typeof value === "object" && value !== null) {
			if (seen.has(value)) continue;
			seen.add(value);
		}
		yielded++;
		yield value;
		if (typeof value !== "object" || value === null) continue;
		// Pushed in reverse so that members come out before the cause, in their array order.
		if (hasCause(value)) stack.push(value.cause);
		const members = (value as { errors?: unknown }).errors;
		if (isErrorWithMembers(value, members)) {
			const list = members as readonly unknown[];
			for (let i = list.length - 1; i >= 0; i--) {
				const member = list[i];
				if (member !== undefined && member !== null) stack.push(member);
			}
		}
	}
}

function isErrorWithMembers(value: object, members: unknown): boolean {
	return (
		Array.isArray(members) &&
		(value instanceof Error ||
			typeof (value as { message?: unknown }).message === "string")
	);
}
