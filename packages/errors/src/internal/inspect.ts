import { MAX_CAUSE_DEPTH } from "../limits.js";
import { isBranded, isErrorLike, safeString } from "./brand.js";

/** The part of Node's inspect options this module reads. */
export interface InspectOptionsLike {
	readonly colors?: unknown;
}

type InspectFn = (value: unknown, options?: object) => string;

const FRAME_LINE = /^\s+at\s/;

/**
 * `util.inspect` output for a DropboxError: like Node's own error output (header, `at` lines,
 * nested `[cause]`), with the `code` in the header and `info` on its own line, every cause and
 * `AggregateError` member rendered, indented two spaces per level. Cycle-safe.
 */
export function inspectDropboxError(
	error: Error,
	options: InspectOptionsLike,
	inspect: InspectFn,
): string {
	const nested = {
		colors: options.colors === true,
		depth: 2,
		breakLength: 100,
	};
	return render(error, "", new Set<object>(), 0, (value) =>
		inspect(value, nested),
	);
}

function render(
	value: unknown,
	indent: string,
	ancestors: Set<object>,
	level: number,
	inspectValue: (value: unknown) => string,
): string {
	if (!isErrorLike(value)) return indentLines(inspectValue(value), indent);
	if (ancestors.has(value)) return `${indent}[Circular ${headerOf(value)}]`;
	if (level >= MAX_CAUSE_DEPTH)
		return `${indent}[Truncated ${headerOf(value)}]`;
	ancestors.add(value);
	const lines: string[] = [`${indent}${headerOf(value)}`];
	for (const frame of framesOf(value)) lines.push(`${indent}${frame}`);
	const info = (value as { info?: unknown }).info;
	if (isBranded(value) && info !== undefined) {
		lines.push(
			`${indent}  info: ${inspectValue(info).replace(/\n/g, `\n${indent}  `)}`,
		);
	}
	const members = (value as { errors?: unknown }).errors;
	if (Array.isArray(members)) {
		lines.push(`${indent}  [errors]: [`);
		for (const member of members) {
			lines.push(
				render(member, `${indent}    `, ancestors, level + 1, inspectValue),
			);
		}
		lines.push(`${indent}  ]`);
	}
	const cause = (value as { cause?: unknown }).cause;
	if (cause !== undefined) {
		const inner = render(
			cause,
			`${indent}  `,
			ancestors,
			level + 1,
			inspectValue,
		);
		lines.push(`${indent}  [cause]: ${inner.slice(indent.length + 2)}`);
	}
	ancestors.delete(value);
	return lines.join("\n");
}

/** `Name [CODE]: message` (the message's own newlines kept). */
function headerOf(error: Error): string {
	const name = typeof error.name === "string" ? error.name : "Error";
	const code = (error as { code?: unknown }).code;
	const head = code === undefined ? name : `${name} [${safeString(code)}]`;
	return error.message === "" ? head : `${head}: ${error.message}`;
}

function framesOf(error: Error): string[] {
	let stack: unknown;
	try {
		stack = error.stack;
	} catch {
		return [];
	}
	if (typeof stack !== "string") return [];
	const lines = stack.split("\n");
	let first = lines.length;
	while (first > 0 && FRAME_LINE.test(lines[first - 1] as string)) first--;
	return lines.slice(first);
}

function indentLines(text: string, indent: string): string {
	return indent + text.replace(/\n/g, `\n${indent}`);
}
