import {
	type AnyColumn,
	Column,
	LookupColumn,
	type Projection,
} from "./column.js";
import { SqlBuilderError, SqlBuilderErrorCode } from "./errors.js";
import type { BoolExpression } from "./expression.js";
import { isValidIdentifier } from "./internal/identifier.js";
import { renderTableExpression } from "./internal/render.js";
import { DeleteStatement } from "./statements/delete.js";
import { InsertStatement } from "./statements/insert.js";
import { type RowOf, SelectStatement } from "./statements/select.js";
import { UpdateStatement } from "./statements/update.js";

/** The attached-column record of a table built from unattached column definitions. */
export type ColumnsOf<
	Tbl extends string,
	Defs extends readonly Column<string, unknown, boolean, never>[],
> = {
	[C in Defs[number] as C extends Column<infer N, unknown, boolean, never>
		? N
		: never]: C extends Column<infer N, infer T, infer Nl, never>
		? Column<N, T, Nl, Tbl>
		: never;
};

/** A table or a join: something a SELECT reads from (godropbox: `ReadableTable`). */
export interface ReadableTable {
	/** The columns, left to right. */
	columns(): AnyColumn[];
	/** Renders the table expression. */
	toSQL(database?: string | undefined): string;
}

/** Join kinds (inner is written as plain `JOIN`, as godropbox does). */
export type JoinType = "JOIN" | "LEFT JOIN" | "RIGHT JOIN";
/** godropbox: table.go `INNER_JOIN`. */
export const INNER_JOIN: JoinType = "JOIN";
/** godropbox: table.go `LEFT_JOIN`. */
export const LEFT_JOIN: JoinType = "LEFT JOIN";
/** godropbox: table.go `RIGHT_JOIN`. */
export const RIGHT_JOIN: JoinType = "RIGHT JOIN";

/** A table INSERT/UPDATE/DELETE can write (godropbox: `WritableTable`). */
export type WritableTable = Table<string, object>;

/**
 * A join expression (godropbox: `joinTable`). Readable only: select from it or join further.
 */
export class Join {
	declare readonly joinType: JoinType;
	declare readonly lhs: ReadableTable;
	declare readonly rhs: ReadableTable;
	declare readonly onCondition: BoolExpression;

	/** @internal Use `innerJoinOn` & co. */
	constructor(
		joinType: JoinType,
		lhs: ReadableTable,
		rhs: ReadableTable,
		onCondition: BoolExpression,
	) {
		this.joinType = joinType;
		this.lhs = lhs;
		this.rhs = rhs;
		this.onCondition = onCondition;
	}

	/** Left columns then right columns (godropbox: `Columns()`). */
	columns(): AnyColumn[] {
		return [...this.lhs.columns(), ...this.rhs.columns()];
	}

	/** A SELECT from this join. */
	select<const P extends readonly Projection[]>(
		...projections: P
	): SelectStatement<RowOf<P>> {
		return SelectStatement.create(this, projections);
	}

	/** `this JOIN rhs ON cond` (godropbox: `InnerJoinOn`). */
	innerJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("JOIN", this, rhs, onCondition);
	}
	/** `this LEFT JOIN rhs ON cond`. */
	leftJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("LEFT JOIN", this, rhs, onCondition);
	}
	/** `this RIGHT JOIN rhs ON cond`. */
	rightJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("RIGHT JOIN", this, rhs, onCondition);
	}

	/** Renders the table expression for `database` (MySQL text). */
	toSQL(database?: string | undefined): string {
		return renderTableExpression(this, database);
	}
}

/** `lhs JOIN rhs ON cond` (godropbox: `InnerJoinOn`). */
export function innerJoinOn(
	lhs: ReadableTable,
	rhs: ReadableTable,
	onCondition: BoolExpression,
): Join {
	return new Join("JOIN", lhs, rhs, onCondition);
}
/** `lhs LEFT JOIN rhs ON cond` (godropbox: `LeftJoinOn`). */
export function leftJoinOn(
	lhs: ReadableTable,
	rhs: ReadableTable,
	onCondition: BoolExpression,
): Join {
	return new Join("LEFT JOIN", lhs, rhs, onCondition);
}
/** `lhs RIGHT JOIN rhs ON cond` (godropbox: `RightJoinOn`). */
export function rightJoinOn(
	lhs: ReadableTable,
	rhs: ReadableTable,
	onCondition: BoolExpression,
): Join {
	return new Join("RIGHT JOIN", lhs, rhs, onCondition);
}

/** A row for INSERT: one value (or expression) per column, in order. */
export type InsertColumns<Tbl extends string> = readonly AnyColumn<Tbl>[];

/**
 * A table (godropbox: `Table`), made by {@link newTable}. Immutable.
 * `cols` holds the typed columns; `c(name)` looks one up by name.
 */
export class Table<Tbl extends string = string, Cols extends object = object> {
	readonly #name: Tbl;
	readonly #columns: readonly AnyColumn<Tbl>[];
	readonly #byName: ReadonlyMap<string, AnyColumn<Tbl>>;
	/** The typed columns by name: `users.cols.id`. */
	declare readonly cols: Cols;
	/** The FORCE INDEX hint, when made by `forceIndex`. */
	declare readonly forcedIndex: string | undefined;

	/** @internal Use {@link newTable}. */
	constructor(
		name: Tbl,
		columns: readonly AnyColumn<Tbl>[],
		byName: ReadonlyMap<string, AnyColumn<Tbl>>,
		cols: Cols,
		forcedIndex: string | undefined,
	) {
		this.#name = name;
		this.#columns = columns;
		this.#byName = byName;
		this.cols = cols;
		this.forcedIndex = forcedIndex;
	}

	/** The table name (godropbox: `Name()`). */
	name(): Tbl {
		return this.#name;
	}

	/** The columns in declaration order (godropbox: `Columns()`). */
	columns(): AnyColumn<Tbl>[] {
		return [...this.#columns];
	}

	/** All columns as a projection list: `t.select(...t.projections())` (godropbox: `Projections()`). */
	projections(): Cols[keyof Cols][] {
		return [...this.#columns] as unknown as Cols[keyof Cols][];
	}

	/**
	 * The column called `name` (godropbox: `C(name)`). A name the table lacks gives a lookup
	 * column whose rendering fails with `ERR_SQLBUILDER_NO_SUCH_COLUMN`.
	 */
	c<K extends keyof Cols & string>(name: K): Cols[K];
	c(name: string): LookupColumn<Tbl>;
	c(name: string): unknown {
		const col = this.#byName.get(name);
		return col ?? new LookupColumn(name, this.#name, undefined);
	}

	/** @internal The columns without a copy. */
	columnsView(): readonly AnyColumn<Tbl>[] {
		return this.#columns;
	}

	/** @internal The column called `name`, or undefined. */
	columnByName(name: string): AnyColumn<Tbl> | undefined {
		return this.#byName.get(name);
	}

	/**
	 * A copy whose rendering adds `FORCE INDEX (`index`)` (godropbox: `ForceIndex`). Accepted by
	 * SELECT and UPDATE; INSERT, DELETE and LOCK TABLES reject it (MySQL does).
	 */
	forceIndex(index: string): Table<Tbl, Cols> {
		return new Table(this.#name, this.#columns, this.#byName, this.cols, index);
	}

	/**
	 * A SELECT of `projections` from this table (godropbox: `Select`).
	 * @example users.select(users.cols.id, users.cols.name).where(eqL(users.cols.id, 1))
	 */
	select<const P extends readonly Projection[]>(
		...projections: P
	): SelectStatement<RowOf<P>> {
		return SelectStatement.create(this, projections);
	}

	/** `this JOIN rhs ON cond` (godropbox: `InnerJoinOn`). */
	innerJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("JOIN", this, rhs, onCondition);
	}
	/** `this LEFT JOIN rhs ON cond`. */
	leftJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("LEFT JOIN", this, rhs, onCondition);
	}
	/** `this RIGHT JOIN rhs ON cond`. */
	rightJoinOn(rhs: ReadableTable, onCondition: BoolExpression): Join {
		return new Join("RIGHT JOIN", this, rhs, onCondition);
	}

	/**
	 * An INSERT into `columns` (godropbox: `Insert`); add rows with `add(...)`.
	 * @example users.insert(users.cols.id, users.cols.name).add(1, "ann")
	 */
	insert<const C extends readonly AnyColumn<Tbl>[]>(
		...columns: C
	): InsertStatement<C> {
		return InsertStatement.create(this, columns);
	}

	/** An UPDATE of this table (godropbox: `Update`); WHERE is required. */
	update(): UpdateStatement<Tbl> {
		return UpdateStatement.create(this);
	}

	/** A DELETE from this table (godropbox: `Delete`); WHERE is required. */
	delete(): DeleteStatement {
		return DeleteStatement.create(this);
	}

	/** Renders the table reference, e.g. `` `db`.`t` FORCE INDEX (`i`) ``. */
	toSQL(database?: string | undefined): string {
		return renderTableExpression(this, database);
	}
}

/**
 * Defines a table (godropbox: `NewTable`). Columns are attached copies, so one definition may
 * be reused by several tables.
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_TABLE_NAME`, `ERR_SQLBUILDER_NO_COLUMNS`,
 *   `ERR_SQLBUILDER_DUPLICATE_COLUMN`
 * @example
 * const users = newTable("users", intColumn("id", NotNullable), strColumn("name", UTF8, UTF8Binary, Nullable));
 */
export function newTable<
	const Tbl extends string,
	const Defs extends readonly Column<string, unknown, boolean, never>[],
>(name: Tbl, ...columns: Defs): Table<Tbl, ColumnsOf<Tbl, Defs>> {
	if (!isValidIdentifier(name))
		throw new SqlBuilderError(
			SqlBuilderErrorCode.INVALID_TABLE_NAME,
			"Invalid table name",
		);
	const attached: AnyColumn<Tbl>[] = [];
	const byName = new Map<string, AnyColumn<Tbl>>();
	const cols: Record<string, AnyColumn<Tbl>> = {};
	for (const def of columns) {
		if (!(def instanceof Column) || def instanceof LookupColumn) {
			const n = (def as { name?: () => string })?.name?.() ?? String(def);
			throw new SqlBuilderError(
				SqlBuilderErrorCode.INVALID_COLUMN_NAME,
				def instanceof LookupColumn
					? `Lookup column '${n}' should never have setTableName called on it`
					: `Alias column '${n}' should never have setTableName called on it`,
			);
		}
		const col = def.attach(name) as AnyColumn<Tbl>;
		if (byName.has(col.name()))
			throw new SqlBuilderError(
				SqlBuilderErrorCode.DUPLICATE_COLUMN,
				`Table ${name} declares column '${col.name()}' twice`,
			);
		attached.push(col);
		byName.set(col.name(), col);
		cols[col.name()] = col;
	}
	if (attached.length === 0)
		throw new SqlBuilderError(
			SqlBuilderErrorCode.NO_COLUMNS,
			`Table ${name} has no columns`,
		);
	return new Table(
		name,
		Object.freeze(attached),
		byName,
		Object.freeze(cols) as unknown as ColumnsOf<Tbl, Defs>,
		undefined,
	);
}
