import { MAX_CAUSE_DEPTH } from "../limits.js";
import { isErrorLike, safeString } from "./brand.js";

/** Stands for an error already serialized higher up the same chain. */
export const CIRCULAR = "[Circular]";

/**
 * A JSON-safe form of `value`: errors become `{ name, message, code?, info?, stack?, cause?,
 * errors? }` (own `code`/`info` of any error, not only DropboxErrors, so Node's `err.code` shows),
 * primitives stay, other objects become their `String()`. Cycles become `"[Circular]"`; nesting
 * stops after {@link MAX_CAUSE_DEPTH} levels.
 */
export function serializeError(value: unknown): unknown {
	return serialize(value, new Set<object>(), 0);
}

function serialize(value: unknown, seen: Set<object>, depth: number): unknown {
	if (value === null || value === undefined) return value;
	switch (typeof value) {
		case "string":
		case "boolean":
			return value;
		case "number":
			return Number.isFinite(value) ? value : safeString(value);
		case "object":
			break;
		default:
			return safeString(value);
	}
	if (!isErrorLike(value)) return safeString(value);
	if (seen.has(value)) return CIRCULAR;
	if (depth >= MAX_CAUSE_DEPTH) return "[Truncated]";
	seen.add(value);
	const source = value as Error & {
		code?: unknown;
		info?: unknown;
		errors?: unknown;
	};
	const out: Record<string, unknown> = {
		name: typeof source.name === "string" ? source.name : "Error",
		message: source.message,
	};
	if (source.code !== undefined) out.code = source.code;
	if (source.info !== undefined) out.info = source.info;
	let stack: unknown;
	try {
		stack = source.stack;
	} catch {
		stack = undefined;
	}
	if (typeof stack === "string") out.stack = stack;
	if (source.cause !== undefined) {
		out.cause = serialize(source.cause, seen, depth + 1);
	}
	if (Array.isArray(source.errors)) {
		out.errors = source.errors.map((member: unknown) =>
			serialize(member, seen, depth + 1),
		);
	}
	seen.delete(value);
	return out;
}
