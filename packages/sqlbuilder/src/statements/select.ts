import { Alias, type Projection } from "../column.js";
import { SqlBuilderErrorCode as Code } from "../errors.js";
import type {
	BoolExpression,
	Expression,
	OrderByClause,
} from "../expression.js";
import { and } from "../functions.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { checkCount, Statement } from "./statement.js";

/** The inferred row of a projection list: `{ [name]: value }`. */
export type RowOf<P extends readonly Projection[]> = {
	[E in P[number] as E["~projection"]["name"]]: E["~projection"]["value"];
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** @internal */
export interface SelectProps {
	readonly from: object;
	readonly projections: readonly Projection[];
	readonly where: BoolExpression | undefined;
	readonly groupBy: readonly Expression[] | undefined;
	readonly orderBy: readonly OrderByClause[] | undefined;
	readonly limit: number;
	readonly offset: number;
	readonly distinct: boolean;
	readonly lock: "none" | "share" | "update";
	readonly comment: string;
}

/**
 * A SELECT (godropbox: `SelectStatement`). Immutable: every modifier returns a new statement.
 * @typeParam Row - the inferred result row
 */
export class SelectStatement<Row = Record<string, unknown>> extends Statement {
	/** Phantom: the result row type. */
	declare readonly "~row": Row;
	/** @internal */
	declare readonly props: SelectProps;

	/** @internal Use `table.select(...)`. */
	constructor(props: SelectProps) {
		super();
		this.props = props;
	}

	/** @internal */
	static create<R>(
		from: object,
		projections: readonly Projection[],
	): SelectStatement<R> {
		return new SelectStatement<R>({
			from,
			projections,
			where: undefined,
			groupBy: undefined,
			orderBy: undefined,
			limit: -1,
			offset: -1,
			distinct: false,
			lock: "none",
			comment: "",
		});
	}

	// An explicit copy keeps one object shape and is several times faster than a spread.
	/** @internal A copy with `patch` applied. */
	private patched(patch: Partial<SelectProps>): SelectStatement<Row> {
		const p = this.props;
		const n: Mutable<SelectProps> = {
			from: p.from,
			projections: p.projections,
			where: p.where,
			groupBy: p.groupBy,
			orderBy: p.orderBy,
			limit: p.limit,
			offset: p.offset,
			distinct: p.distinct,
			lock: p.lock,
			comment: p.comment,
		};
		Object.assign(n, patch);
		return new SelectStatement<Row>(n);
	}

	/** Replaces the WHERE condition (godropbox: `Where`). */
	where(condition: BoolExpression): SelectStatement<Row> {
		return this.patched({ where: condition });
	}

	/** `and(previous, condition)`, or `where(condition)` when there is none (godropbox: `AndWhere`). */
	andWhere(condition: BoolExpression): SelectStatement<Row> {
		const w = this.props.where;
		return this.patched({
			where: w === undefined ? condition : and(w, condition),
		});
	}

	/** Replaces the GROUP BY list; an empty list fails at render (godropbox: `GroupBy`). */
	groupBy(...expressions: Expression[]): SelectStatement<Row> {
		return this.patched({ groupBy: expressions });
	}

	/** Replaces the ORDER BY list (godropbox: `OrderBy`). */
	orderBy(...clauses: OrderByClause[]): SelectStatement<Row> {
		return this.patched({ orderBy: clauses });
	}

	/** LIMIT; a negative value unsets it (godropbox: `Limit`). */
	limit(limit: number | bigint): SelectStatement<Row> {
		return this.patched({ limit: checkCount(limit, "limit") });
	}

	/** OFFSET; needs a limit, or rendering fails (godropbox dropped it silently). */
	offset(offset: number | bigint): SelectStatement<Row> {
		return this.patched({ offset: checkCount(offset, "offset") });
	}

	/** SELECT DISTINCT (godropbox: `Distinct`). */
	distinct(): SelectStatement<Row> {
		return this.patched({ distinct: true });
	}

	/** `LOCK IN SHARE MODE` (`FOR SHARE` on PostgreSQL); ignored after `forUpdate()`. */
	withSharedLock(): SelectStatement<Row> {
		return this.props.lock === "update"
			? this
			: this.patched({ lock: "share" });
	}

	/** `FOR UPDATE` (godropbox: `ForUpdate`). */
	forUpdate(): SelectStatement<Row> {
		return this.patched({ lock: "update" });
	}

	/** `/* text *\/` after SELECT; letters, digits, `_`, space, `.`, `?` only. */
	comment(text: string): SelectStatement<Row> {
		return this.patched({ comment: text });
	}

	/** A copy (cheap: the statement is immutable) (godropbox: `Copy`). */
	copy(): SelectStatement<Row> {
		return new SelectStatement<Row>(this.props);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		const p = this.props;
		c.checkDatabase();
		c.checkComment(p.comment);
		c.sql += "SELECT ";
		c.comment(p.comment);
		if (p.distinct) c.sql += "DISTINCT ";
		if (p.projections.length === 0)
			c.fail(Code.NO_PROJECTIONS, "No column selected");
		for (let i = 0; i < p.projections.length; i++) {
			if (i > 0) c.sql += ",";
			const proj = p.projections[i];
			if (proj == null) c.fail(Code.NIL_ARGUMENT, "nil column selected");
			if (proj instanceof Alias) c.projectAlias(proj);
			else proj.compile(c);
		}
		c.sql += " FROM ";
		c.tableExpression(p.from, "SELECT");
		if (p.where !== undefined) {
			c.sql += " WHERE ";
			c.expr(p.where, "nil clause");
		}
		if (p.groupBy !== undefined) {
			c.sql += " GROUP BY ";
			c.clauses(p.groupBy, ",");
		}
		if (p.orderBy !== undefined) {
			c.sql += " ORDER BY ";
			c.clauses(p.orderBy, ",");
		}
		if (p.offset >= 0 && p.limit < 0)
			c.failPlain(
				Code.OFFSET_WITHOUT_LIMIT,
				"Offset without limit: set a limit too (godropbox dropped the offset silently)",
			);
		c.limit(p.limit, p.offset);
		if (p.lock !== "none") c.lock(p.lock);
	}
}
