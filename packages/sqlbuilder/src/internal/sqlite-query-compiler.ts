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

/** SQLite: standard strings, `X'..'` blobs, booleans 1/0, `LIMIT n OFFSET m`, no row locks. */
export class SqliteQueryCompiler extends QueryCompiler {
	readonly quoteIndex = 2 as const;
	readonly dialect = "sqlite" as const;

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
				return v ? "1" : "0";
			default:
				if (v === null) return "null";
				if (v instanceof Date) return `'${formatDateTime(v)}'`;
				return `X'${hex(v)}'`;
		}
	}

	toParam(v: LiteralValue): QueryParam {
		if (typeof v === "string" || typeof v === "number") return v;
		if (typeof v === "boolean") return v ? 1 : 0;
		if (v instanceof Date) return formatDateTime(v);
		if (v instanceof Uint8Array && !Buffer.isBuffer(v))
			return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
		return v;
	}

	/** SQLite's LIKE has no default escape character (SQLite docs, "The LIKE operator"). */
	override likeEscape(): void {
		this.sql += " ESCAPE '\\'";
	}

	override binaryOperator(op: string): string {
		if (op === "^") this.unsupported("bitXor (^)");
		return op;
	}

	limit(limit: number, offset: number): void {
		if (limit >= 0) this.sql += ` LIMIT ${limit}`;
		if (limit >= 0 && offset >= 0) this.sql += ` OFFSET ${offset}`;
	}

	lock(kind: "share" | "update"): void {
		this.unsupported(kind === "update" ? "FOR UPDATE" : "a shared row lock");
	}

	indexHint(index: string): void {
		if (!isValidIdentifier(index))
			this.failPlain(
				SqlBuilderErrorCode.INVALID_INDEX_NAME,
				`'${index}' is not a valid identifier for an index`,
			);
		this.sql += ` INDEXED BY ${this.quote(index)}`;
	}

	intervalText(): void {
		this.unsupported("INTERVAL");
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
		this.sql += "excluded.";
		const saved = this.qualify;
		this.qualify = false;
		this.expr(e.column, "nil clause");
		this.qualify = saved;
	}
}
