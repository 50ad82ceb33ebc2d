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
	/** Each value is an Expression or an already checked literal value. Empty while `flat` is used. */
	readonly rows: readonly (readonly unknown[])[];
	/**
	 * While every row has one value per column and holds only strings and finite numbers, the
	 * rows live here instead, row-major: the first `flatLength` entries (fast render path).
	 * Statements share this buffer: appends write past `flatLength` only, never inside it.
	 */
	readonly flat: (string | number)[] | undefined;
	readonly flatLength: number;
	readonly onDuplicate: readonly (readonly [AnyColumn, Expression])[];
	readonly ignore: boolean;
	readonly comment: string;
	readonly conflictTarget: readonly AnyColumn[] | undefined;
}

function toExpression(v: unknown): Expression {
	return v instanceof Expression ? v : new LiteralExpression(checkLiteral(v));
}

/** A copy of the row: expressions kept, other values checked as literals (no wrapper object). */
function checkRow(row: readonly unknown[]): unknown[] {
	const out = row.slice();
	for (let i = 0; i < out.length; i++) {
		const v = out[i];
		if (typeof v === "string") continue;
		// v - v is 0 for finite numbers, NaN for NaN and ±Infinity.
		if (typeof v === "number" && v - v === 0) continue;
		out[i] = v instanceof Expression ? v : checkLiteral(v);
	}
	return out;
}

/**
 * Appends `rows` to the first `length` entries of `flat`: in place when nothing was appended
 * past `length` yet (persistent append, as Go slices do), else into a copy. Returns the buffer,
 * or undefined (nothing changed) when a row has another width or a value other than a string
 * or finite number.
 */
function appendFlat(
	flat: (string | number)[],
	length: number,
	rows: readonly (readonly unknown[])[],
	width: number,
): (string | number)[] | undefined {
	let out = flat;
	if (flat.length !== length) {
		out = new Array(length + rows.length * width);
		for (let i = 0; i < length; i++) out[i] = flat[i] as string | number;
	}
	let k = length;
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r] as readonly unknown[];
		if (row.length !== width) {
			if (out === flat) flat.length = length;
			return undefined;
		}
		for (let i = 0; i < width; i++) {
			const v = row[i];
			// v - v is 0 for finite numbers, NaN for NaN and ±Infinity.
			if (typeof v === "string" || (typeof v === "number" && v - v === 0))
				out[k++] = v;
			else {
				if (out === flat) flat.length = length;
				return undefined;
			}
		}
	}
	return out;
}

/** The flat rows as row arrays (when a row that does not fit the flat form is added). */
function unflatten(
	flat: readonly (string | number)[],
	length: number,
	width: number,
): unknown[][] {
	const rows: unknown[][] = [];
	for (let at = 0; at < length; at += width)
		rows.push(flat.slice(at, at + width));
	return rows;
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
			flat: columns.length > 0 ? [] : undefined,
			flatLength: 0,
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
			flat: p.flat,
			flatLength: p.flatLength,
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
		return this.appended([row as readonly unknown[]]);
	}

	/** Adds many rows at once (one `add` per row). */
	addRows(rows: readonly InsertRow<C>[]): InsertStatement<C> {
		return this.appended(rows as readonly (readonly unknown[])[]);
	}

	private appended(rows: readonly (readonly unknown[])[]): InsertStatement<C> {
		const p = this.props;
		const width = p.columns.length;
		if (p.flat !== undefined) {
			const flat = appendFlat(p.flat, p.flatLength, rows, width);
			if (flat !== undefined)
				return this.patched({
					flat,
					flatLength: p.flatLength + rows.length * width,
				});
		}
		const all =
			p.flat !== undefined
				? unflatten(p.flat, p.flatLength, width)
				: p.rows.slice();
		for (let i = 0; i < rows.length; i++)
			all.push(checkRow(rows[i] as readonly unknown[]));
		return this.patched({ rows: all, flat: undefined, flatLength: 0 });
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
		const width = p.columns.length;
		const flat = p.flat;
		const n = flat !== undefined ? p.flatLength / width : p.rows.length;
		if (n === 0) c.fail(Code.INSERT_NO_ROWS, "No row specified");
		c.sql += ") VALUES (";
		if (flat !== undefined) {
			if (!c.inline && c.placeholders !== "dollar") {
				// Fast path: only strings and numbers, so one placeholder group per row.
				const group = `${"?,".repeat(width - 1)}?)`;
				c.sql += group;
				if (n > 1) c.sql += `, (${group}`.repeat(n - 1);
				if (c.params.length === 0) c.params = flat.slice(0, p.flatLength);
				else
					for (let i = 0; i < p.flatLength; i++)
						c.params.push(flat[i] as string | number);
			} else {
				for (let r = 0; r < n; r++) {
					if (r > 0) c.sql += ", (";
					const at = r * width;
					for (let i = 0; i < width; i++) {
						if (i > 0) c.sql += ",";
						c.literal(flat[at + i] as string | number);
					}
					c.sql += ")";
				}
			}
		} else {
			for (let r = 0; r < n; r++) {
				const row = p.rows[r] as readonly unknown[];
				if (r > 0) c.sql += ", (";
				if (row.length !== width)
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
