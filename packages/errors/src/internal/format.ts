import { isBranded, isErrorLike, safeString } from "./brand.js";
import { walkCauseChain } from "./chain.js";
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
	let text = "";
	let innermostDropbox: object | undefined;
	let innermostWithStack: object | undefined;
	const end = walkCauseChain(start, (value, index) => {
		if (index > 0) text += "\n";
		text += ownMessage(value);
		if (isBranded(value)) innermostDropbox = value;
		if (isErrorLike(value)) innermostWithStack = value;
		return undefined;
	});
	if (end === "cycle")
		text += "\n[cause cycle: the chain refers back to an earlier error]";
	else if (end === "depth") text += "\n[cause chain truncated: too deep]";
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
