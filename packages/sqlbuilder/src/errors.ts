import { DropboxError } from "@godropbox-ts/errors";

/**
 * Every error code this package throws. Match on `code`, not on the message text: messages copy
 * godropbox's wording (including the partial SQL after `Generated sql:`) and are for humans.
 */
export const SqlBuilderErrorCode = Object.freeze({
	/** A table name is not `^[A-Za-z_][A-Za-z0-9_]*$` (godropbox: `Invalid table name`). */
	INVALID_TABLE_NAME: "ERR_SQLBUILDER_INVALID_TABLE_NAME",
	/** A column name is not a valid identifier (godropbox: `Invalid column name in <kind> column`). */
	INVALID_COLUMN_NAME: "ERR_SQLBUILDER_INVALID_COLUMN_NAME",
	/** `newTable` without columns (godropbox: `Table <name> has no columns`). */
	NO_COLUMNS: "ERR_SQLBUILDER_NO_COLUMNS",
	/** Two columns of one table share a name (godropbox accepted it silently). */
	DUPLICATE_COLUMN: "ERR_SQLBUILDER_DUPLICATE_COLUMN",
	/** A value that has no SQL literal form (godropbox: `Invalid literal value`). */
	INVALID_LITERAL: "ERR_SQLBUILDER_INVALID_LITERAL",
	/** The database argument is not a valid identifier. */
	INVALID_DATABASE: "ERR_SQLBUILDER_INVALID_DATABASE",
	/** A comment with characters outside `[A-Za-z0-9_ .?]`. */
	INVALID_COMMENT: "ERR_SQLBUILDER_INVALID_COMMENT",
	/** A SELECT without projections (`No column selected`). */
	NO_PROJECTIONS: "ERR_SQLBUILDER_NO_PROJECTIONS",
	/** A required part is `null`/`undefined` (godropbox's `nil lhs`, `nil clause`, … messages). */
	NIL_ARGUMENT: "ERR_SQLBUILDER_NIL_ARGUMENT",
	/** `table.c(name)` for a name the table does not have. */
	NO_SUCH_COLUMN: "ERR_SQLBUILDER_NO_SUCH_COLUMN",
	/** A forced index name is not a valid identifier. */
	INVALID_INDEX_NAME: "ERR_SQLBUILDER_INVALID_INDEX_NAME",
	/** An alias name is not a valid identifier. */
	INVALID_ALIAS_NAME: "ERR_SQLBUILDER_INVALID_ALIAS_NAME",
	/** A function name is not a valid identifier. */
	INVALID_FUNCTION_NAME: "ERR_SQLBUILDER_INVALID_FUNCTION_NAME",
	/** `groupBy()` / `orderBy()` called with no entries (`Empty clauses`). */
	EMPTY_CLAUSES: "ERR_SQLBUILDER_EMPTY_CLAUSES",
	/** `and()` / `or()` with no operands (`Empty conjunction`). */
	EMPTY_CONJUNCTION: "ERR_SQLBUILDER_EMPTY_CONJUNCTION",
	/** `add()`/`sub()`/`mul()`/`div()` with no operands (`Empty arithmetic expression`). */
	EMPTY_ARITHMETIC: "ERR_SQLBUILDER_EMPTY_ARITHMETIC",
	/** `tuple()` with no elements. */
	EMPTY_TUPLE: "ERR_SQLBUILDER_EMPTY_TUPLE",
	/** `inList()` given something that is not an array of literal values (`Invalid IN expression`). */
	INVALID_IN_LIST: "ERR_SQLBUILDER_INVALID_IN_LIST",
	/** `union()` / `unionAll()` without selects. */
	UNION_EMPTY: "ERR_SQLBUILDER_UNION_EMPTY",
	/** An inner select of a union has ORDER BY without LIMIT. */
	UNION_ORDER_WITHOUT_LIMIT: "ERR_SQLBUILDER_UNION_ORDER_WITHOUT_LIMIT",
	/** Inner selects of a union select different numbers of columns. */
	UNION_COLUMN_COUNT: "ERR_SQLBUILDER_UNION_COLUMN_COUNT",
	/** INSERT without columns (`No column specified`). */
	INSERT_NO_COLUMNS: "ERR_SQLBUILDER_INSERT_NO_COLUMNS",
	/** INSERT without rows (`No row specified`). */
	INSERT_NO_ROWS: "ERR_SQLBUILDER_INSERT_NO_ROWS",
	/** An INSERT row whose length differs from the column list. */
	INSERT_VALUE_COUNT: "ERR_SQLBUILDER_INSERT_VALUE_COUNT",
	/** UPDATE without `set` (`No column updated`). */
	UPDATE_NO_COLUMNS: "ERR_SQLBUILDER_UPDATE_NO_COLUMNS",
	/** UPDATE `set` on a column the table does not own (godropbox dropped or remapped it). */
	UPDATE_FOREIGN_COLUMN: "ERR_SQLBUILDER_UPDATE_FOREIGN_COLUMN",
	/** UPDATE / DELETE without WHERE. */
	MISSING_WHERE: "ERR_SQLBUILDER_MISSING_WHERE",
	/** LOCK TABLES without entries (`No locks added`). */
	NO_LOCKS: "ERR_SQLBUILDER_NO_LOCKS",
	/** `offset()` without `limit()` (godropbox dropped the offset silently). */
	OFFSET_WITHOUT_LIMIT: "ERR_SQLBUILDER_OFFSET_WITHOUT_LIMIT",
	/** A feature the chosen dialect or statement cannot express (e.g. LOCK TABLES on SQLite). */
	UNSUPPORTED: "ERR_SQLBUILDER_UNSUPPORTED",
	/** `newGtidNextStatement` with a SID that is not 16 bytes / a UUID, or gno out of range. */
	INVALID_GTID: "ERR_SQLBUILDER_INVALID_GTID",
	/** `limit()`/`offset()` given a non-integer. */
	INVALID_LIMIT: "ERR_SQLBUILDER_INVALID_LIMIT",
	/** A driver returned an integer it had already rounded (configure it to return BIGINT exactly). */
	PRECISION_LOSS: "ERR_SQLBUILDER_PRECISION_LOSS",
	/** `execute` cannot tell which dialect a knex instance speaks. */
	UNKNOWN_DIALECT: "ERR_SQLBUILDER_UNKNOWN_DIALECT",
	/** The database rejected a statement run by `execute`; `cause` is the driver's error. */
	QUERY_FAILED: "ERR_SQLBUILDER_QUERY_FAILED",
} as const);

/** One of the {@link SqlBuilderErrorCode} values. */
export type SqlBuilderErrorCode =
	(typeof SqlBuilderErrorCode)[keyof typeof SqlBuilderErrorCode];

/** Options of {@link SqlBuilderError}. */
export interface SqlBuilderErrorOptions {
	/** The wrapped error. */
	readonly cause?: unknown;
	/** The SQL text involved (for `QUERY_FAILED`: the statement sent). */
	readonly sql?: string | undefined;
}

/**
 * The one error class of this package. `message` is godropbox's text where godropbox has one;
 * `code` is stable. `instanceof` works across two loaded copies of the package (ESM and CJS)
 * through the `Symbol.for` brand.
 */
export class SqlBuilderError extends DropboxError {
	static override readonly errorName = "SqlBuilderError";
	static override readonly brand: symbol | undefined = Symbol.for(
		"godropbox-ts.sqlbuilder.SqlBuilderError",
	);
	/** Stable error code, one of {@link SqlBuilderErrorCode}. */
	declare readonly code: SqlBuilderErrorCode;
	/** The SQL involved, when there is one. */
	declare readonly sql: string | undefined;

	constructor(
		code: SqlBuilderErrorCode,
		message: string,
		options: SqlBuilderErrorOptions = {},
	) {
		super(
			message,
			options.cause === undefined
				? {
						code,
						info: options.sql === undefined ? undefined : { sql: options.sql },
					}
				: {
						code,
						cause: options.cause,
						info: options.sql === undefined ? undefined : { sql: options.sql },
					},
		);
		(this as { sql: string | undefined }).sql = options.sql;
	}
}
