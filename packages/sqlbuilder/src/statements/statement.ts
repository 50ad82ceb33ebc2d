import type { CompiledQuery, Dialect, ToQueryOptions } from "../dialect.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { renderInline, renderQuery } from "../internal/render.js";

/** What every statement can do: render itself. */
export abstract class Statement {
	/** @internal Appends the statement to the compiler's buffer. */
	abstract compile(c: QueryCompiler): void;

	/**
	 * MySQL text with inline escaped literals — byte-identical to godropbox's `String(database)`
	 * except for the fixes listed in the README.
	 * @param database - qualifies table names (`` `db`.`t` ``); unset: unqualified
	 * @throws {@link SqlBuilderError} with godropbox's message where godropbox returns an error
	 */
	toSQL(database?: string | undefined): string {
		return renderInline(this, database);
	}

	/**
	 * SQL with placeholders plus its parameters for `dialect`.
	 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_UNSUPPORTED` for a feature the dialect lacks
	 */
	toQuery(
		dialect: Dialect,
		options?: ToQueryOptions | undefined,
	): CompiledQuery {
		return renderQuery(this, dialect, options?.database);
	}
}

/** @internal Validates a LIMIT/OFFSET argument; negative means "unset" as in godropbox. */
export function checkCount(n: number | bigint, what: string): number {
	const v = typeof n === "bigint" ? Number(n) : n;
	if (!Number.isSafeInteger(v)) throw invalidCount(what, n);
	return v;
}

import { SqlBuilderError, SqlBuilderErrorCode } from "../errors.js";

function invalidCount(what: string, n: unknown): SqlBuilderError {
	return new SqlBuilderError(
		SqlBuilderErrorCode.INVALID_LIMIT,
		`${what} must be an integer, got ${String(n)}`,
	);
}
