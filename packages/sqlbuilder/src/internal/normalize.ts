import { Alias, type Projection } from "../column.js";
import { SqlBuilderError, SqlBuilderErrorCode } from "../errors.js";
import type { ColumnKind } from "../expression.js";

/** A column name and the conversion its driver value needs. */
export interface ResultField {
	readonly name: string;
	readonly kind: ColumnKind | undefined;
}

export function resultFields(
	projections: readonly Projection[],
): ResultField[] {
	return projections.map((p) => ({
		name: p.name(),
		kind: p instanceof Alias ? p.expression?.valueKind : p.kind,
	}));
}

const DATETIME =
	/^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?/;

function toInt(v: unknown, field: string): unknown {
	if (typeof v === "number") {
		if (Number.isInteger(v) && !Number.isSafeInteger(v))
			throw new SqlBuilderError(
				SqlBuilderErrorCode.PRECISION_LOSS,
				`The driver returned ${v} for '${field}', a number past 2^53 that may have been rounded; configure it to return big integers exactly (mysql2: supportBigNumbers + bigNumberStrings; better-sqlite3: safeIntegers)`,
			);
		return v;
	}
	if (typeof v === "string" && /^-?\d+$/.test(v)) {
		const n = Number(v);
		return Number.isSafeInteger(n) ? n : BigInt(v);
	}
	if (typeof v === "bigint") {
		const n = Number(v);
		return Number.isSafeInteger(n) ? n : v;
	}
	return v;
}

/** Converts one driver value to the column kind's TypeScript type (see README "Result values"). */
export function normalizeValue(
	v: unknown,
	kind: ColumnKind | undefined,
	field: string,
): unknown {
	if (v === null || v === undefined) return null;
	switch (kind) {
		case "int":
			return toInt(v, field);
		case "double":
			if (typeof v === "string") return Number(v);
			if (typeof v === "bigint") return Number(v);
			return v;
		case "bool":
			if (typeof v === "boolean") return v;
			if (typeof v === "string") return v !== "0" && v !== "" && v !== "f";
			return Number(v) !== 0;
		case "datetime": {
			if (v instanceof Date) return v;
			if (typeof v === "number") return new Date(v);
			if (typeof v === "string") {
				const m = DATETIME.exec(v);
				if (m === null) return new Date(v);
				const frac = (m[7] ?? "").padEnd(3, "0").slice(0, 3);
				return new Date(
					Date.UTC(
						Number(m[1]),
						Number(m[2]) - 1,
						Number(m[3]),
						Number(m[4]),
						Number(m[5]),
						Number(m[6]),
						Number(frac),
					),
				);
			}
			return v;
		}
		case "bytes":
			if (typeof v === "string") return Buffer.from(v, "utf8");
			return v;
		case "str":
			if (Buffer.isBuffer(v)) return v.toString("utf8");
			return v;
		default:
			if (typeof v === "bigint") return toInt(v, field);
			return v;
	}
}

export function normalizeRows(
	rows: readonly Record<string, unknown>[],
	fields: readonly ResultField[],
): Record<string, unknown>[] {
	const out: Record<string, unknown>[] = new Array(rows.length);
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r] as Record<string, unknown>;
		const o: Record<string, unknown> = {};
		for (const f of fields)
			o[f.name] = normalizeValue(row[f.name], f.kind, f.name);
		out[r] = o;
	}
	return out;
}
