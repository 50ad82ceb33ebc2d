import { MAX_CAUSE_DEPTH } from "../limits.js";
import { isBranded, isErrorLike, safeString } from "./brand.js";
import { hasCause } from "./chain.js";
import { parseStackFrames, type StackFrame } from "./stack.js";

/** godropbox's separator line between messages and the stack (errors.go). */
export const STACK_HEADER = "ORIGINAL STACK TRACE:";

/** The text of one chain element: an error's own message, or `String(value)`. */
export function ownMessage(value: unknown): string {
	if (isErrorLike(value)) return value.message;
	return safeString(value);
}

/**
 * The messages of the chain, outermost first, joined by `"\n"` (godropbox's
 * `extractFullErrorMessage`), following `cause` through every kind of error. A cycle or the
 * depth cap adds a last line saying so. Also reports the innermost DropboxError and the innermost
 * error with a stack, for {@link formatFullMessage}.
 */
export function chainText(start: unknown): {
	text: string;
	innermostDropbox: object | undefined;
	innermostWithStack: object | undefined;
} {
	// A plain loop rather than walkCauseChain: getMessage is on logging paths (same rules:
	// cycle detection, MAX_CAUSE_DEPTH).
	let text = "";
	let innermostDropbox: object | undefined;
	let innermostWithStack: object | undefined;
	let seen: unknown[] | undefined;
	let current: unknown = start;
	for (let i = 0; ; i++) {
		if (i >= MAX_CAUSE_DEPTH) {
			text += "\n[cause chain truncated: too deep]";
			break;
		}
		if (i > 0) text += "\n";
		if (isErrorLike(current)) {
			text += current.message;
			innermostWithStack = current;
			if (isBranded(current)) innermostDropbox = current;
		} else {
			text += safeString(current);
		}
		if (!hasCause(current)) break;
		const next = current.cause;
		if (next === current || seen?.includes(next) === true) {
			text += "\n[cause cycle: the chain refers back to an earlier error]";
			break;
		}
		if (seen === undefined) seen = [current];
		else seen.push(current);
		current = next;
	}
	return { text, innermostDropbox, innermostWithStack };
}

/** godropbox's `GetStack()` layout: `function\n\tfile:line:column\n` per frame. */
export function formatStack(frames: readonly StackFrame[]): string {
	let out = "";
	for (const f of frames) {
		out += `${f.functionName}\n\t${f.fileName}`;
		if (f.lineNumber !== undefined) out += `:${f.lineNumber}:${f.columnNumber}`;
		out += "\n";
	}
	return out;
}

/**
 * godropbox's `Error()` layout: chain messages, `"\nORIGINAL STACK TRACE:\n"`, then the stack of
 * the innermost DropboxError (of the innermost error that has a stack when the chain holds no
 * DropboxError).
 */
export function formatFullMessage(start: unknown): string {
	const { text, innermostDropbox, innermostWithStack } = chainText(start);
	const source = innermostDropbox ?? innermostWithStack;
	const stack =
		source === undefined ? "" : formatStack(parseStackFrames(source));
	return `${text}\n${STACK_HEADER}\n${stack}`;
}
