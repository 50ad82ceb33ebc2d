import { SqlBuilderError, SqlBuilderErrorCode } from "./errors.js";
import {
	type ColumnKind,
	Expression,
	type KindValueMap,
} from "./expression.js";
import type { QueryCompiler } from "./internal/compiler.js";
import { isValidIdentifier } from "./internal/identifier.js";

/** godropbox: column.go `NullableColumn`: `Nullable` (true) or `NotNullable` (false). */
export type NullableColumn = boolean;
/** godropbox: column.go `Charset`. */
export type Charset = string;
/** godropbox: column.go `Collation`. */
export type Collation = string;

/** A nullable column (godropbox: `Nullable`). */
export const Nullable = true;
/** A NOT NULL column. */
export const NotNullable = false;

/** godropbox: column.go `Charset` constants. */
export const UTF8 = "utf8";
/** godropbox: column.go `Collation` constants. */
export const UTF8CaseInsensitive = "utf8_unicode_ci";
/** Kept from godropbox although MySQL has no collation of that name. */
export const UTF8CaseSensitive = "utf8_unicode";
/** Binary collation. */
export const UTF8Binary = "utf8_bin";

/**
 * A table column (godropbox: `NonAliasColumn`). Created unattached by `intColumn` & co.;
 * `newTable` makes an attached copy per table (columns are immutable, so sharing is safe).
 *
 * @typeParam Name - the column name
 * @typeParam T - the TypeScript type of its non-null values
 * @typeParam N - `true` when the column is nullable
 * @typeParam Tbl - the owning table's name (`never` while unattached)
 */
export class Column<
	Name extends string = string,
	T = unknown,
	N extends boolean = boolean,
	Tbl extends string = string,
> extends Expression<T> {
	/** Phantom: the projected name and value (for inferred row types). */
	declare readonly "~projection": {
		name: Name;
		value: N extends true ? T | null : T;
	};
	/** Phantom: the owning table. */
	declare readonly "~table": Tbl;
	readonly #name: Name;
	declare readonly kind: ColumnKind;
	declare readonly nullable: N;
	/** Charset metadata of `strColumn` (unused in SQL text, as in godropbox). */
	declare readonly charset: string | undefined;
	/** Collation metadata of `strColumn`. */
	declare readonly collation: string | undefined;
	/** The owning table's name, or undefined while unattached. */
	declare readonly tableName: string | undefined;
	/** @internal Rendered references, computed once: backtick/double-quote, qualified or not. */
	declare readonly refs: readonly [string, string, string, string];

	/** @internal Use `intColumn` & co. */
	constructor(
		name: Name,
		kind: ColumnKind,
		nullable: N,
		tableName: string | undefined,
		charset?: string | undefined,
		collation?: string | undefined,
	) {
		super(kind);
		this.#name = name;
		this.kind = kind;
		this.nullable = nullable;
		this.tableName = tableName;
		this.charset = charset;
		this.collation = collation;
		const q = tableName === undefined ? "" : `\`${tableName}\`.`;
		const dq = tableName === undefined ? "" : `"${tableName}".`;
		this.refs = [
			`${q}\`${name}\``,
			`\`${name}\``,
			`${dq}"${name}"`,
			`"${name}"`,
		];
	}

	/** The column name (godropbox: `Name()`). */
	name(): Name {
		return this.#name;
	}

	/** @internal A copy attached to `table`. */
	attach<Tb extends string>(table: Tb): Column<Name, T, N, Tb> {
		return new Column(
			this.#name,
			this.kind,
			this.nullable,
			table,
			this.charset,
			this.collation,
		);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		c.column(this);
	}
}

/**
 * godropbox: table.go `C(name)` — a column looked up by name when the statement is rendered.
 * Rendering fails with `No such column '<name>' in table '<table>'` when the table has none.
 */
export class LookupColumn<Tbl extends string = string> extends Column<
	string,
	unknown,
	boolean,
	Tbl
> {
	/** @internal The resolved column or undefined. */
	declare readonly resolved: Column | undefined;

	/** @internal */
	constructor(name: string, tableName: string, resolved: Column | undefined) {
		super(name, resolved?.kind ?? "str", resolved?.nullable ?? true, tableName);
		this.resolved = resolved;
	}

	/** @internal */
	override compile(c: QueryCompiler): void {
		c.column(this.resolve());
	}

	/** @internal The real column, or throws NO_SUCH_COLUMN. */
	resolve(): Column {
		if (this.resolved === undefined)
			throw new SqlBuilderError(
				SqlBuilderErrorCode.NO_SUCH_COLUMN,
				`No such column '${this.name()}' in table '${this.tableName}'`,
			);
		return this.resolved;
	}
}

/** Any column of table `Tbl` (the INSERT column / UPDATE target type). */
export type AnyColumn<Tbl extends string = string> = Column<
	string,
	unknown,
	boolean,
	Tbl
>;

/** A real or looked-up column, not an alias (godropbox: `NonAliasColumn`). */
export type NonAliasColumn<Tbl extends string = string> = AnyColumn<Tbl>;

/** The value type a column accepts in INSERT/UPDATE: its type, plus `null` when nullable. */
export type ColumnInput<C> =
	C extends Column<string, infer T, infer N, string>
		? N extends true
			? T | null
			: T
		: never;

function checkName(name: unknown, kind: string): void {
	if (!isValidIdentifier(name))
		throw new SqlBuilderError(
			SqlBuilderErrorCode.INVALID_COLUMN_NAME,
			`Invalid column name in ${kind} column`,
		);
}

function make<K extends ColumnKind>(kind: K, label: string) {
	return <const Name extends string, const N extends boolean>(
		name: Name,
		nullable: N,
	): Column<Name, KindValueMap[K], N, never> => {
		checkName(name, label);
		return new Column(name, kind, nullable, undefined);
	};
}

/**
 * An integer column (TINYINT … BIGINT). Values are `number | bigint`.
 * @param name - a valid identifier
 * @param nullable - {@link Nullable} or {@link NotNullable}
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_COLUMN_NAME`
 * @example intColumn("id", NotNullable)
 */
export const intColumn = make("int", "int");
/** A DOUBLE column. The bad-name message says `int column`, as godropbox's does. */
export const doubleColumn = make("double", "int");
/** A TINYINT column used as a boolean. */
export const boolColumn = make("bool", "bool");
/** A VARBINARY/BLOB column; values are `Uint8Array` (Buffer included). */
export const bytesColumn = make("bytes", "bytes");
/** A DATETIME column; values are `Date` (UTC fields, see README). */
export const dateTimeColumn = make("datetime", "datetime");

/**
 * A VARCHAR/TEXT column. Charset and collation are metadata only, as in godropbox.
 * @example strColumn("name", UTF8, UTF8CaseInsensitive, NotNullable)
 */
export function strColumn<const Name extends string, const N extends boolean>(
	name: Name,
	charset: string,
	collation: string,
	nullable: N,
): Column<Name, string, N, never> {
	checkName(name, "str");
	return new Column(name, "str", nullable, undefined, charset, collation);
}

/** @internal `VALUES(col)` / `EXCLUDED.col` (godropbox: `ColumnValue`). */
export class ColumnValueExpression<T> extends Expression<T> {
	declare readonly column: Column;

	constructor(column: Column) {
		super(column?.kind);
		this.column = column;
	}

	compile(c: QueryCompiler): void {
		c.columnValue(this);
	}
}

/**
 * `alias(name, expr)`: selects `(expr) AS `name``; elsewhere it renders as `` `name` ``
 * (godropbox: `Alias`).
 */
export class Alias<
	Name extends string = string,
	T = unknown,
> extends Expression<T> {
	declare readonly "~projection": { name: Name; value: T | null };
	declare readonly aliasName: Name;
	declare readonly expression: Expression<T>;

	/** @internal Use `alias()`. */
	constructor(name: Name, expression: Expression<T>) {
		super(expression?.valueKind);
		this.aliasName = name;
		this.expression = expression;
	}

	/** The alias name (godropbox: `Name()`). */
	name(): Name {
		return this.aliasName;
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		c.aliasRef(this);
	}
}

/** Something a SELECT list accepts: a column or an alias (godropbox: `Projection`). */
export type Projection =
	| Column<string, unknown, boolean, string>
	| Alias<string, unknown>;
