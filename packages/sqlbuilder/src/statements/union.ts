import { SqlBuilderErrorCode as Code } from "../errors.js";
import type {
	BoolExpression,
	Expression,
	OrderByClause,
} from "../expression.js";
import type { QueryCompiler } from "../internal/compiler.js";
import type { SelectStatement } from "./select.js";
import { checkCount, Statement } from "./statement.js";

/** @internal */
export interface UnionProps {
	readonly selects: readonly SelectStatement<unknown>[];
	readonly all: boolean;
	readonly orderBy: readonly OrderByClause[] | undefined;
	readonly limit: number;
	readonly offset: number;
	/** godropbox's union WHERE/GROUP BY: invalid SQL, kept for the test vector only. */
	readonly where?: BoolExpression | undefined;
	readonly groupBy?: readonly Expression[] | undefined;
}

/**
 * `(SELECT …) UNION (SELECT …)` (godropbox: `UnionStatement`). Offers ORDER BY (use alias
 * references: MySQL refuses table-qualified columns there) and LIMIT/OFFSET; godropbox's
 * union-level WHERE and GROUP BY are not offered because MySQL rejects them.
 */
export class UnionStatement<Row = Record<string, unknown>> extends Statement {
	declare readonly "~row": Row;
	/** @internal */
	declare readonly props: UnionProps;

	/** @internal Use `union()` / `unionAll()`. */
	constructor(props: UnionProps) {
		super();
		this.props = props;
	}

	/** @internal A copy with `patch` applied. */
	private patched(patch: Partial<UnionProps>): UnionStatement<Row> {
		return new UnionStatement<Row>({ ...this.props, ...patch });
	}

	/** Replaces the union's ORDER BY list (godropbox: `OrderBy`). */
	orderBy(...clauses: OrderByClause[]): UnionStatement<Row> {
		return this.patched({ orderBy: clauses });
	}

	/** LIMIT of the union (godropbox: `Limit`). */
	limit(limit: number | bigint): UnionStatement<Row> {
		return this.patched({ limit: checkCount(limit, "limit") });
	}

	/** OFFSET of the union (godropbox: `Offset`); needs a limit. */
	offset(offset: number | bigint): UnionStatement<Row> {
		return this.patched({ offset: checkCount(offset, "offset") });
	}

	/** A copy (cheap: the statement is immutable). */
	copy(): UnionStatement<Row> {
		return new UnionStatement<Row>(this.props);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		const p = this.props;
		if (p.selects.length === 0)
			c.failPlain(
				Code.UNION_EMPTY,
				"Union statement must have at least one SELECT",
			);
		const hasOwnClauses =
			p.orderBy !== undefined ||
			p.limit >= 0 ||
			p.offset >= 0 ||
			p.where !== undefined ||
			p.groupBy !== undefined;
		const first = p.selects[0] as SelectStatement<unknown>;
		if (p.selects.length === 1 && !hasOwnClauses) {
			first.compile(c);
			return;
		}
		const width = first.props.projections.length;
		for (const s of p.selects) {
			if (s.props.orderBy !== undefined && s.props.limit < 0)
				c.failPlain(
					Code.UNION_ORDER_WITHOUT_LIMIT,
					"All inner selects in Union statement must have LIMIT if they have ORDER BY",
				);
			if (s.props.projections.length !== width)
				c.failPlain(
					Code.UNION_COLUMN_COUNT,
					"All inner selects in Union statement must select the same number of columns.  For sanity, you probably want to select the same table columns in the same order.  If you are selecting on multiple tables, use Null to pad to the right number of fields.",
				);
		}
		// SQLite does not accept parenthesised members of a compound SELECT.
		const paren = c.dialect !== "sqlite";
		for (let i = 0; i < p.selects.length; i++) {
			const s = p.selects[i] as SelectStatement<unknown>;
			if (i > 0) c.sql += p.all ? " UNION ALL " : " UNION ";
			if (!paren && (s.props.orderBy !== undefined || s.props.limit >= 0))
				c.unsupported("ORDER BY/LIMIT inside a UNION member");
			if (paren) c.sql += "(";
			s.compile(c);
			if (paren) c.sql += ")";
		}
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
	}
}

function make<R>(
	all: boolean,
	selects: readonly SelectStatement<R>[],
): UnionStatement<R> {
	return new UnionStatement<R>({
		selects: selects as readonly SelectStatement<unknown>[],
		all,
		orderBy: undefined,
		limit: -1,
		offset: -1,
	});
}

/** `(s1) UNION (s2) …` — duplicates removed (godropbox: `Union`). */
export function union<R>(
	...selects: [SelectStatement<R>, ...SelectStatement<unknown>[]] | []
): UnionStatement<R> {
	return make(false, selects as SelectStatement<R>[]);
}

/** `(s1) UNION ALL (s2) …` (godropbox: `UnionAll`). */
export function unionAll<R>(
	...selects: [SelectStatement<R>, ...SelectStatement<unknown>[]] | []
): UnionStatement<R> {
	return make(true, selects as SelectStatement<R>[]);
}
