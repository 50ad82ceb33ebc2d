import type { ColumnValueExpression } from "../column.js";
import type { QueryParam } from "../dialect.js";
import { SqlBuilderErrorCode } from "../errors.js";
import type { IfExpression } from "../expression.js";
import { QueryCompiler } from "./compiler.js";
import { isValidIdentifier } from "./identifier.js";
import {
	formatDateTime,
	formatNumber,
	hex,
	type LiteralValue,
	standardString,
} from "./literal.js";

/** PostgreSQL: standard strings, `bytea` hex, `$n`, `LIMIT n OFFSET m`, `FOR SHARE`. */
export class PostgresQueryCompiler extends QueryCompiler {
	readonly quoteIndex = 2 as const;
	readonly dialect = "postgres" as const;

	quote(id: string): string {
		return `"${id}"`;
	}

	inlineLiteral(v: LiteralValue): string {
		switch (typeof v) {
			case "string":
				return standardString(v);
			case "number":
				return formatNumber(v);
			case "bigint":
				return v.toString();
			case "boolean":
				return v ? "true" : "false";
			default:
				if (v === null) return "null";
				if (v instanceof Date) return `'${formatDateTime(v)}'`;
				return `'\\x${hex(v)}'::bytea`;
		}
	}

	toParam(v: LiteralValue): QueryParam {
		if (typeof v === "string" || typeof v === "number") return v;
		if (typeof v === "bigint") return v.toString();
		if (v instanceof Date) return formatDateTime(v);
		if (v instanceof Uint8Array && !Buffer.isBuffer(v))
			return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
		return v;
	}

	override comparisonOperator(op: string): string {
		return op === " REGEXP " ? " ~ " : op;
	}

	override binaryOperator(op: string): string {
		return op === "^" ? "#" : op;
	}

	limit(limit: number, offset: number): void {
		if (limit >= 0) this.sql += ` LIMIT ${limit}`;
		if (limit >= 0 && offset >= 0) this.sql += ` OFFSET ${offset}`;
	}

	lock(kind: "share" | "update"): void {
		this.sql += kind === "update" ? " FOR UPDATE" : " FOR SHARE";
	}

	indexHint(index: string): void {
		if (!isValidIdentifier(index))
			this.failPlain(
				SqlBuilderErrorCode.INVALID_INDEX_NAME,
				`'${index}' is not a valid identifier for an index`,
			);
		this.unsupported("FORCE INDEX");
	}

	intervalText(micros: bigint, negative: boolean): void {
		const [h, m, s, us] = QueryCompiler.splitMicros(micros);
		const two = (x: bigint) => x.toString().padStart(2, "0");
		this.sql += `INTERVAL '${negative ? "-" : ""}${h}:${two(m)}:${two(s)}.${us.toString().padStart(6, "0")}'`;
	}

	override ifExpr(e: IfExpression<unknown>): void {
		this.sql += "CASE WHEN ";
		this.expr(e.condition, "nil clause");
		this.sql += " THEN ";
		this.expr(e.whenTrue, "nil clause");
		this.sql += " ELSE ";
		this.expr(e.whenFalse, "nil clause");
		this.sql += " END";
	}

	override columnValue(e: ColumnValueExpression<unknown>): void {
		this.sql += "EXCLUDED.";
		const saved = this.qualify;
		this.qualify = false;
		this.expr(e.column, "nil clause");
		this.qualify = saved;
	}
}
