import { SqlBuilderErrorCode as Code } from "../errors.js";
import type { BoolExpression, OrderByClause } from "../expression.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { checkCount, Statement } from "./statement.js";

/** @internal */
export interface DeleteProps {
	readonly table: object;
	readonly where: BoolExpression | undefined;
	readonly orderBy: readonly OrderByClause[] | undefined;
	readonly limit: number;
	readonly comment: string;
}

/** A DELETE (godropbox: `DeleteStatement`). Immutable; WHERE is required. */
export class DeleteStatement extends Statement {
	/** @internal */
	declare readonly props: DeleteProps;

	/** @internal Use `table.delete()`. */
	constructor(props: DeleteProps) {
		super();
		this.props = props;
	}

	/** @internal */
	static create(table: object): DeleteStatement {
		return new DeleteStatement({
			table,
			where: undefined,
			orderBy: undefined,
			limit: -1,
			comment: "",
		});
	}

	/** @internal A copy with `patch` applied. */
	private patched(patch: Partial<DeleteProps>): DeleteStatement {
		const p = this.props;
		const n: { -readonly [K in keyof DeleteProps]: DeleteProps[K] } = {
			table: p.table,
			where: p.where,
			orderBy: p.orderBy,
			limit: p.limit,
			comment: p.comment,
		};
		Object.assign(n, patch);
		return new DeleteStatement(n);
	}

	/** The WHERE condition (godropbox: `Where`); required. */
	where(condition: BoolExpression): DeleteStatement {
		return this.patched({ where: condition });
	}

	/** ORDER BY (MySQL only) (godropbox: `OrderBy`). */
	orderBy(...clauses: OrderByClause[]): DeleteStatement {
		return this.patched({ orderBy: clauses });
	}

	/** LIMIT (MySQL only) (godropbox: `Limit`). */
	limit(limit: number | bigint): DeleteStatement {
		return this.patched({ limit: checkCount(limit, "limit") });
	}

	/** `/* text *\/` after FROM (godropbox: `Comment`). */
	comment(text: string): DeleteStatement {
		return this.patched({ comment: text });
	}

	/** A copy (cheap: the statement is immutable). */
	copy(): DeleteStatement {
		return new DeleteStatement(this.props);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		const p = this.props;
		c.checkDatabase();
		c.checkComment(p.comment);
		c.sql += "DELETE FROM ";
		c.comment(p.comment);
		c.tableExpression(p.table, "DELETE");
		if (p.where === undefined)
			c.fail(Code.MISSING_WHERE, "Deleting without a WHERE clause");
		c.sql += " WHERE ";
		c.expr(p.where, "nil clause");
		const mysql = c.dialect === "mysql";
		if (p.orderBy !== undefined) {
			if (!mysql) c.unsupported("DELETE … ORDER BY");
			c.sql += " ORDER BY ";
			c.clauses(p.orderBy, ",");
		}
		if (p.limit >= 0) {
			if (!mysql) c.unsupported("DELETE … LIMIT");
			c.sql += ` LIMIT ${p.limit}`;
		}
	}
}
