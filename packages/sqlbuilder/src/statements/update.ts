import { type AnyColumn, type ColumnInput, LookupColumn } from "../column.js";
import { SqlBuilderErrorCode as Code } from "../errors.js";
import {
	type BoolExpression,
	Expression,
	LiteralExpression,
	type OrderByClause,
} from "../expression.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { checkLiteral } from "../internal/literal.js";
import { checkCount, Statement } from "./statement.js";

/** @internal The table as UPDATE sees it. */
export interface UpdateTable {
	name(): string;
	readonly forcedIndex: string | undefined;
	columnsView(): readonly AnyColumn[];
	columnByName(name: string): AnyColumn | undefined;
}

/** @internal */
export interface UpdateProps {
	readonly table: UpdateTable;
	readonly sets: readonly (readonly [AnyColumn, Expression])[];
	readonly where: BoolExpression | undefined;
	readonly orderBy: readonly OrderByClause[] | undefined;
	readonly limit: number;
	readonly comment: string;
}

/**
 * An UPDATE (godropbox: `UpdateStatement`). Immutable. Assignments are written in the table's
 * column order (as godropbox does); setting one column twice keeps the last value; a column of
 * another table is an error (godropbox remapped or dropped it).
 */
export class UpdateStatement<Tbl extends string = string> extends Statement {
	/** @internal */
	declare readonly props: UpdateProps;

	/** @internal Use `table.update()`. */
	constructor(props: UpdateProps) {
		super();
		this.props = props;
	}

	/** @internal */
	static create<T extends string>(table: UpdateTable): UpdateStatement<T> {
		return new UpdateStatement<T>({
			table,
			sets: [],
			where: undefined,
			orderBy: undefined,
			limit: -1,
			comment: "",
		});
	}

	/** @internal A copy with `patch` applied. */
	private patched(patch: Partial<UpdateProps>): UpdateStatement<Tbl> {
		// An explicit copy keeps one object shape and is faster than a spread.
		const p = this.props;
		const n: { -readonly [K in keyof UpdateProps]: UpdateProps[K] } = {
			table: p.table,
			sets: p.sets,
			where: p.where,
			orderBy: p.orderBy,
			limit: p.limit,
			comment: p.comment,
		};
		Object.assign(n, patch);
		return new UpdateStatement<Tbl>(n);
	}

	/**
	 * `col=value` (godropbox: `Set`); a plain value becomes a literal.
	 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_LITERAL` for a value with no literal form
	 */
	set<K extends AnyColumn<Tbl>>(
		col: K,
		value: Expression<ColumnInput<K>> | ColumnInput<K>,
	): UpdateStatement<Tbl> {
		const expr =
			value instanceof Expression
				? value
				: new LiteralExpression(checkLiteral(value));
		const sets = this.props.sets.slice();
		sets.push([col, expr]);
		return this.patched({ sets });
	}

	/** The WHERE condition (godropbox: `Where`); required. */
	where(condition: BoolExpression): UpdateStatement<Tbl> {
		return this.patched({ where: condition });
	}

	/** ORDER BY (MySQL only) (godropbox: `OrderBy`). */
	orderBy(...clauses: OrderByClause[]): UpdateStatement<Tbl> {
		return this.patched({ orderBy: clauses });
	}

	/** LIMIT (MySQL only) (godropbox: `Limit`). */
	limit(limit: number | bigint): UpdateStatement<Tbl> {
		return this.patched({ limit: checkCount(limit, "limit") });
	}

	/** `/* text *\/` after UPDATE (godropbox: `Comment`). */
	comment(text: string): UpdateStatement<Tbl> {
		return this.patched({ comment: text });
	}

	/** A copy (cheap: the statement is immutable). */
	copy(): UpdateStatement<Tbl> {
		return new UpdateStatement<Tbl>(this.props);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		const p = this.props;
		c.checkDatabase();
		c.checkComment(p.comment);
		c.sql += "UPDATE ";
		c.comment(p.comment);
		c.tableExpression(p.table, "UPDATE");
		if (p.sets.length === 0)
			c.fail(Code.UPDATE_NO_COLUMNS, "No column updated");
		c.sql += " SET ";
		const tableName = p.table.name();
		// Last assignment per column name wins; output follows the table's column order.
		const names: string[] = new Array(p.sets.length);
		for (let i = 0; i < p.sets.length; i++) {
			const col0 = (p.sets[i] as readonly [AnyColumn, Expression])[0];
			if (col0 == null) c.fail(Code.NIL_ARGUMENT, "nil column");
			const col = col0 instanceof LookupColumn ? col0.resolve() : col0;
			if (
				col.tableName !== tableName ||
				p.table.columnByName(col.name()) === undefined
			)
				c.failPlain(
					Code.UPDATE_FOREIGN_COLUMN,
					`Column '${col.tableName ?? ""}.${col.name()}' does not belong to table '${tableName}'`,
				);
			names[i] = col.name();
		}
		const mysql = c.dialect === "mysql";
		let n = 0;
		for (const col of p.table.columnsView()) {
			const idx = names.lastIndexOf(col.name());
			if (idx < 0) continue;
			const expr = (p.sets[idx] as readonly [AnyColumn, Expression])[1];
			if (n++ > 0) c.sql += ", ";
			if (expr == null) c.fail(Code.NIL_ARGUMENT, "nil value");
			c.qualify = mysql;
			col.compile(c);
			c.qualify = true;
			c.sql += "=";
			expr.compile(c);
		}
		if (p.where === undefined)
			c.fail(Code.MISSING_WHERE, "Updating without a WHERE clause");
		c.sql += " WHERE ";
		c.expr(p.where, "nil clause");
		if (p.orderBy !== undefined) {
			if (!mysql) c.unsupported("UPDATE … ORDER BY");
			c.sql += " ORDER BY ";
			c.clauses(p.orderBy, ",");
		}
		if (p.limit >= 0) {
			if (!mysql) c.unsupported("UPDATE … LIMIT");
			c.sql += ` LIMIT ${p.limit}`;
		}
	}
}
