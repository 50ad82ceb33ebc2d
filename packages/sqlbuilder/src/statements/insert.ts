import type { AnyColumn, ColumnInput } from "../column.js";
import { SqlBuilderErrorCode as Code } from "../errors.js";
import { Expression, LiteralExpression } from "../expression.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { checkLiteral, type LiteralValue } from "../internal/literal.js";
import { Statement } from "./statement.js";

/** One INSERT row for columns `C`: a value or an expression per column, in order. */
export type InsertRow<C extends readonly AnyColumn[]> = {
	[I in keyof C]: ColumnInput<C[I]> | Expression<ColumnInput<C[I]>>;
};

/** @internal */
export interface InsertProps {
	readonly table: { name(): string; readonly forcedIndex: string | undefined };
	readonly columns: readonly AnyColumn[];
	/** Each value is an Expression or an already checked literal value. */
	readonly rows: readonly (readonly unknown[])[];
	/** Every value of every row is a string or a number. */
	readonly simpleRows: boolean;
	readonly onDuplicate: readonly (readonly [AnyColumn, Expression])[];
	readonly ignore: boolean;
	readonly comment: string;
	readonly conflictTarget: readonly AnyColumn[] | undefined;
}

function toExpression(v: unknown): Expression {
	return v instanceof Expression ? v : new LiteralExpression(checkLiteral(v));
}

function rowsHaveLength(
	rows: readonly (readonly unknown[])[],
	n: number,
): boolean {
	for (let i = 0; i < rows.length; i++)
		if ((rows[i] as unknown[]).length !== n) return false;
	return true;
}

/** Set by {@link checkRow}: the row it just checked holds only strings and numbers. */
let lastRowSimple = true;

/**
 * A copy of the row: expressions kept, other values checked as literals (no wrapper object).
 * Sets {@link lastRowSimple} for the render fast path (a module variable avoids a tuple per row).
 */
function checkRow(row: readonly unknown[]): unknown[] {
	const out = row.slice();
	let simple = true;
	for (let i = 0; i < out.length; i++) {
		const v = out[i];
		if (typeof v === "string") continue;
		// v - v is 0 for finite numbers, NaN for NaN and ±Infinity.
		if (typeof v === "number" && v - v === 0) continue;
		simple = false;
		out[i] = v instanceof Expression ? v : checkLiteral(v);
	}
	lastRowSimple = simple;
	return out;
}

/**
 * An INSERT (godropbox: `InsertStatement`). Immutable.
 *
 * Upserts: MySQL renders `ON DUPLICATE KEY UPDATE`; PostgreSQL and SQLite render
 * `ON CONFLICT (<target>) DO UPDATE SET …` with the target given by {@link onConflict}
 * (required there), and `ignoreDuplicates(true)` as `ON CONFLICT DO NOTHING` /
 * `INSERT OR IGNORE`.
 */
export class InsertStatement<
	C extends readonly AnyColumn[] = readonly AnyColumn[],
> extends Statement {
	/** @internal */
	declare readonly props: InsertProps;

	/** @internal Use `table.insert(...)`. */
	constructor(props: InsertProps) {
		super();
		this.props = props;
	}

	/** @internal */
	static create<C extends readonly AnyColumn[]>(
		table: InsertProps["table"],
		columns: C,
	): InsertStatement<C> {
		return new InsertStatement<C>({
			table,
			columns,
			rows: [],
			simpleRows: true,
			onDuplicate: [],
			ignore: false,
			comment: "",
			conflictTarget: undefined,
		});
	}

	/** @internal A copy with `patch` applied. */
	private patched(patch: Partial<InsertProps>): InsertStatement<C> {
		const p = this.props;
		const n: { -readonly [K in keyof InsertProps]: InsertProps[K] } = {
			table: p.table,
			columns: p.columns,
			rows: p.rows,
			simpleRows: p.simpleRows,
			onDuplicate: p.onDuplicate,
			ignore: p.ignore,
			comment: p.comment,
			conflictTarget: p.conflictTarget,
		};
		Object.assign(n, patch);
		return new InsertStatement<C>(n);
	}

	/**
	 * Adds one row: a value (made a literal) or an expression per column (godropbox: `Add`).
	 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_LITERAL` for a value with no literal form
	 */
	add(...row: InsertRow<C>): InsertStatement<C> {
		const values = checkRow(row as readonly unknown[]);
		return this.patched({
			rows: [...this.props.rows, values],
			simpleRows: this.props.simpleRows && lastRowSimple,
		});
	}

	/** Adds many rows at once (one `add` per row). */
	addRows(rows: readonly InsertRow<C>[]): InsertStatement<C> {
		const all = this.props.rows.slice();
		let simpleRows = this.props.simpleRows;
		for (let i = 0; i < rows.length; i++) {
			all.push(checkRow(rows[i] as readonly unknown[]));
			simpleRows = simpleRows && lastRowSimple;
		}
		return this.patched({ rows: all, simpleRows });
	}

	/**
	 * `ON DUPLICATE KEY UPDATE col=expr`, in call order (godropbox: `AddOnDuplicateKeyUpdate`).
	 * Use `columnValue(col)` for the value the row tried to insert.
	 */
	addOnDuplicateKeyUpdate<K extends AnyColumn>(
		col: K,
		expr: Expression<ColumnInput<K>> | ColumnInput<K>,
	): InsertStatement<C> {
		return this.patched({
			onDuplicate: [...this.props.onDuplicate, [col, toExpression(expr)]],
		});
	}

	/** The conflict target (unique key columns) for PostgreSQL/SQLite upserts; MySQL ignores it. */
	onConflict(...columns: AnyColumn[]): InsertStatement<C> {
		return this.patched({ conflictTarget: columns });
	}

	/** `INSERT IGNORE` on/off (godropbox: `IgnoreDuplicates`). */
	ignoreDuplicates(ignore: boolean): InsertStatement<C> {
		return this.patched({ ignore });
	}

	/** `/* text *\/` after INTO (godropbox: `Comment`). */
	comment(text: string): InsertStatement<C> {
		return this.patched({ comment: text });
	}

	/** A copy (cheap: the statement is immutable). */
	copy(): InsertStatement<C> {
		return new InsertStatement<C>(this.props);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		const p = this.props;
		c.checkDatabase();
		c.checkComment(p.comment);
		const mysql = c.dialect === "mysql";
		const upsert = p.onDuplicate.length > 0;
		if (
			!mysql &&
			upsert &&
			(p.conflictTarget === undefined || p.conflictTarget.length === 0)
		)
			c.failPlain(
				Code.UNSUPPORTED,
				`An upsert on ${c.dialect} needs a conflict target: call onConflict(...uniqueKeyColumns)`,
			);
		c.sql += "INSERT ";
		if (p.ignore) {
			if (mysql) c.sql += "IGNORE ";
			else if (c.dialect === "sqlite" && !upsert) c.sql += "OR IGNORE ";
		}
		c.sql += "INTO ";
		c.comment(p.comment);
		c.tableExpression(p.table, "INSERT");
		if (p.columns.length === 0)
			c.fail(Code.INSERT_NO_COLUMNS, "No column specified");
		c.sql += " (";
		c.qualify = mysql;
		for (let i = 0; i < p.columns.length; i++) {
			if (i > 0) c.sql += ",";
			const col = p.columns[i];
			if (col == null) c.fail(Code.NIL_ARGUMENT, "nil column in columns list");
			col.compile(c);
		}
		c.qualify = true;
		if (p.rows.length === 0) c.fail(Code.INSERT_NO_ROWS, "No row specified");
		c.sql += ") VALUES (";
		const group =
			c.inline || c.placeholders === "dollar"
				? undefined
				: `${"?,".repeat(p.columns.length - 1)}?)`;
		const n = p.rows.length;
		if (
			group !== undefined &&
			p.simpleRows &&
			rowsHaveLength(p.rows, p.columns.length)
		) {
			// Fast path: only strings and numbers, so one placeholder group per row.
			c.sql += group;
			if (n > 1) c.sql += `, (${group}`.repeat(n - 1);
			const width = p.columns.length;
			const base = c.params.length;
			const params = c.params;
			params.length = base + n * width;
			for (let r = 0; r < n; r++) {
				const row = p.rows[r] as readonly unknown[];
				const at = base + r * width;
				for (let i = 0; i < width; i++)
					params[at + i] = row[i] as string | number;
			}
		} else {
			for (let r = 0; r < n; r++) {
				const row = p.rows[r] as readonly unknown[];
				if (r > 0) c.sql += ", (";
				if (row.length !== p.columns.length)
					c.fail(
						Code.INSERT_VALUE_COUNT,
						"# of values does not match # of columns",
					);
				for (let i = 0; i < row.length; i++) {
					if (i > 0) c.sql += ",";
					const v = row[i];
					if (v instanceof Expression) v.compile(c);
					else c.literal(v as LiteralValue);
				}
				c.sql += ")";
			}
		}
		if (upsert) {
			if (mysql) c.sql += " ON DUPLICATE KEY UPDATE ";
			else {
				c.sql += " ON CONFLICT (";
				c.qualify = false;
				c.clauses(p.conflictTarget, ",");
				c.qualify = true;
				c.sql += ") DO UPDATE SET ";
			}
			for (let i = 0; i < p.onDuplicate.length; i++) {
				if (i > 0) c.sql += ", ";
				const [col, expr] = p.onDuplicate[i] as readonly [
					AnyColumn,
					Expression,
				];
				if (col == null)
					c.fail(
						Code.NIL_ARGUMENT,
						"nil column in on duplicate key update list",
					);
				c.qualify = mysql;
				col.compile(c);
				c.qualify = true;
				c.sql += "=";
				if (expr == null)
					c.fail(
						Code.NIL_ARGUMENT,
						"nil expression in on duplicate key update list",
					);
				expr.compile(c);
			}
		} else if (p.ignore && c.dialect === "postgres") {
			c.sql += " ON CONFLICT DO NOTHING";
		}
	}
}
