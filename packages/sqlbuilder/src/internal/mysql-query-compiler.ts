import type { QueryParam } from "../dialect.js";
import { SqlBuilderErrorCode } from "../errors.js";
import { QueryCompiler } from "./compiler.js";
import { isValidIdentifier } from "./identifier.js";
import {
	formatDateTime,
	formatNumber,
	hex,
	type LiteralValue,
	mysqlString,
} from "./literal.js";

/**
 * MySQL/MariaDB: godropbox's output. Literals follow godropbox database/sqltypes/sqltypes.go
 * (backslash escapes, `X'..'` hex, booleans as 1/0), which relies on the session not running
 * with `NO_BACKSLASH_ESCAPES` (MySQL manual, "String Literals").
 */
export class MysqlQueryCompiler extends QueryCompiler {
	readonly quoteIndex = 0 as const;
	readonly dialect = "mysql" as const;

	quote(id: string): string {
		return `\`${id}\``;
	}

	inlineLiteral(v: LiteralValue): string {
		switch (typeof v) {
			case "string":
				return mysqlString(v);
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
		if (v instanceof Date) return formatDateTime(v);
		if (v instanceof Uint8Array && !Buffer.isBuffer(v))
			return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
		return v;
	}

	limit(limit: number, offset: number): void {
		if (limit >= 0 && offset >= 0) this.sql += ` LIMIT ${offset}, ${limit}`;
		else if (limit >= 0) this.sql += ` LIMIT ${limit}`;
	}

	lock(kind: "share" | "update"): void {
		this.sql += kind === "update" ? " FOR UPDATE" : " LOCK IN SHARE MODE";
	}

	indexHint(index: string): void {
		if (!isValidIdentifier(index))
			this.failPlain(
				SqlBuilderErrorCode.INVALID_INDEX_NAME,
				`'${index}' is not a valid identifier for an index`,
			);
		this.sql += ` FORCE INDEX (${this.quote(index)})`;
	}

	intervalText(micros: bigint, negative: boolean): void {
		const [h, m, s, us] = QueryCompiler.splitMicros(micros);
		// godropbox wrote the microseconds unpadded, which MySQL reads as a fraction of a second
		// scaled by its digit count ('0:0:0:50' is 0.5 s); six digits make it exact.
		const u = this.compat ? us.toString() : us.toString().padStart(6, "0");
		this.sql += `INTERVAL '${negative ? "-" : ""}${h}:${m}:${s}:${u}' HOUR_MICROSECOND`;
	}
}
