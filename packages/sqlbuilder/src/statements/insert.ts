import type { AnyColumn, ColumnInput } from "../column.js";
import { SqlBuilderErrorCode as Code } from "../errors.js";
import { Expression, LiteralExpression } from "../expression.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { checkLiteral } from "../internal/literal.js";
import { Statement } from "./statement.js";

/** One INSERT row for columns `C`: a value or an expression per column, in order. */
export type InsertRow<C extends readonly AnyColumn[]> = {
	[I in keyof C]: ColumnInput<C[I]> | Expression<ColumnInput<C[I]>>;
};

/** @internal */
export interface InsertProps {
	readonly table: { name(): string; readonly forcedIndex: string | undefined };
	readonly columns: readonly AnyColumn[];
	readonly rows: readonly (readonly Expression[])[];
	readonly onDuplicate: readonly (readonly [AnyColumn, Expression])[];
	readonly ignore: boolean;
	readonly comment: string;
	readonly conflictTarget: readonly AnyColumn[] | undefined;
}

function toExpression(v: unknown): Expression {
	return v instanceof Expression ? v : new LiteralExpression(checkLiteral(v));
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
	readonly props: InsertProps;

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
			onDuplicate: [],
			ignore: false,
			comment: "",
			conflictTarget: undefined,
		});
	}

	#with(patch: Partial<InsertProps>): InsertStatement<C> {
		return new InsertStatement<C>({ ...this.props, ...patch });
	}

	/**
	 * Adds one row: a value (made a literal) or an expression per column (godropbox: `Add`).
	 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_LITERAL` for a value with no literal form
	 */
	add(...row: InsertRow<C>): InsertStatement<C> {
		const values = (row as readonly unknown[]).map(toExpression);
		return this.#with({ rows: [...this.props.rows, values] });
	}

	/** Adds many rows at once (one `add` per row). */
	addRows(rows: readonly InsertRow<C>[]): InsertStatement<C> {
		const added = rows.map((r) => (r as readonly unknown[]).map(toExpression));
		return this.#with({ rows: [...this.props.rows, ...added] });
	}

	/**
	 * `ON DUPLICATE KEY UPDATE col=expr`, in call order (godropbox: `AddOnDuplicateKeyUpdate`).
	 * Use `columnValue(col)` for the value the row tried to insert.
	 */
	addOnDuplicateKeyUpdate<K extends AnyColumn>(
		col: K,
		expr: Expression<ColumnInput<K>> | ColumnInput<K>,
	): InsertStatement<C> {
		return this.#with({
			onDuplicate: [...this.props.onDuplicate, [col, toExpression(expr)]],
		});
	}

	/** The conflict target (unique key columns) for PostgreSQL/SQLite upserts; MySQL ignores it. */
	onConflict(...columns: AnyColumn[]): InsertStatement<C> {
		return this.#with({ conflictTarget: columns });
	}

	/** `INSERT IGNORE` on/off (godropbox: `IgnoreDuplicates`). */
	ignoreDuplicates(ignore: boolean): InsertStatement<C> {
		return this.#with({ ignore });
	}

	/** `/* text *\/` after INTO (godropbox: `Comment`). */
	comment(text: string): InsertStatement<C> {
		return this.#with({ comment: text });
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
		for (let r = 0; r < p.rows.length; r++) {
			const row = p.rows[r] as readonly Expression[];
			if (r > 0) c.sql += ", (";
			if (row.length !== p.columns.length)
				c.fail(
					Code.INSERT_VALUE_COUNT,
					"# of values does not match # of columns",
				);
			for (let i = 0; i < row.length; i++) {
				if (i > 0) c.sql += ",";
				const v = row[i];
				if (v == null)
					c.fail(Code.NIL_ARGUMENT, `nil value in row ${r} col ${i}`);
				v.compile(c);
			}
			c.sql += ")";
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
