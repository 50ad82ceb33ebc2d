/** One frame of a V8 stack trace (godropbox's `runtime.Frame`, without the program counter). */
export interface StackFrame {
	/** `fn`, `Class.method`, `new Class`, `async fn`; `<anonymous>` when V8 prints none. */
	readonly functionName: string;
	/** File path or URL (`file:///…`, `node:internal/…`), or V8's text such as `native`. */
	readonly fileName: string;
	/** 1-based line, when V8 printed one. */
	readonly lineNumber: number | undefined;
	/** 1-based column, when V8 printed one (stands where Go printed `+0x<pc>`). */
	readonly columnNumber: number | undefined;
}

interface CachedFrames {
	readonly stack: string;
	readonly frames: readonly StackFrame[];
}

/** Parsed frames per error, computed once (godropbox: `framesOnce`), dropped with the error. */
const cache = new WeakMap<object, CachedFrames>();

const FRAME_LINE = /^\s+at\s/;
const WITH_LOCATION = /^\s+at (.*?) \((.*)\)$/;
const BARE_LOCATION = /^\s+at (.*)$/;
const LINE_COLUMN = /^(.*):(\d+):(\d+)$/;

/**
 * The frames of `error.stack` (V8 format). Only the trailing block of `    at …` lines is read,
 * so a message that contains such lines cannot inject frames. Re-parsed only if `stack` was
 * replaced since the last call.
 */
export function parseStackFrames(error: object): readonly StackFrame[] {
	let stack: unknown;
	try {
		stack = (error as { stack?: unknown }).stack;
	} catch {
		return [];
	}
	if (typeof stack !== "string") return [];
	const cached = cache.get(error);
	if (cached !== undefined && cached.stack === stack) return cached.frames;
	const frames = Object.freeze(parseStackText(stack));
	cache.set(error, { stack, frames });
	return frames;
}

/** Parses V8 stack text; exported for tests. */
export function parseStackText(stack: string): StackFrame[] {
	const lines = stack.split("\n");
	let first = lines.length;
	while (first > 0 && FRAME_LINE.test(lines[first - 1] as string)) first--;
	const frames: StackFrame[] = [];
	for (let i = first; i < lines.length; i++) {
		frames.push(parseFrameLine(lines[i] as string));
	}
	return frames;
}

function parseFrameLine(line: string): StackFrame {
	const withLocation = WITH_LOCATION.exec(line);
	if (withLocation !== null) {
		return frame(withLocation[1] as string, withLocation[2] as string);
	}
	const bare = BARE_LOCATION.exec(line);
	return frame(
		"<anonymous>",
		bare === null ? line.trim() : (bare[1] as string),
	);
}

function frame(functionName: string, location: string): StackFrame {
	const lc = LINE_COLUMN.exec(location);
	if (lc === null) {
		return {
			functionName,
			fileName: location,
			lineNumber: undefined,
			columnNumber: undefined,
		};
	}
	return {
		functionName,
		fileName: lc[1] as string,
		lineNumber: Number(lc[2]),
		columnNumber: Number(lc[3]),
	};
}
