import type { Alias, Column, ColumnValueExpression } from "../column.js";
import type { CompiledQuery, Dialect, QueryParam } from "../dialect.js";
import { SqlBuilderErrorCode as Code, SqlBuilderError } from "../errors.js";
import type {
	ArithmeticExpression,
	BinaryExpression,
	CaseExpression,
	ComparisonExpression,
	ConjunctExpression,
	Expression,
	FuncExpression,
	IfExpression,
	InExpression,
	IntervalExpression,
	NotExpression,
	OrderBy,
	OrderByClause,
	TupleExpression,
} from "../expression.js";
import { isValidComment, isValidIdentifier } from "./identifier.js";
import type { LiteralValue } from "./literal.js";

/** How placeholders are written: `?` or `$1, $2, …`; `knex` is `?` with literal `?` escaped. */
export type PlaceholderStyle = "question" | "dollar" | "knex";

/** Compiler settings. */
export interface CompilerOptions {
	/** Inline literals (toSQL) instead of placeholders. */
	readonly inline: boolean;
	readonly database: string | undefined;
	readonly placeholders: PlaceholderStyle;
	/** godropbox's unpadded interval microseconds and union WHERE/GROUP BY (test vectors only). */
	readonly godropboxCompat?: boolean | undefined;
}

interface JoinLike {
	readonly joinType?: string;
	readonly lhs: unknown;
	readonly rhs: unknown;
	readonly onCondition: Expression | undefined;
}

interface TableLike {
	name(): string;
	readonly forcedIndex: string | undefined;
}

/** A statement node: knows how to compile itself. */
export interface Compilable {
	compile(c: QueryCompiler): void;
}

/**
 * The compiler base: godropbox's MySQL serialisation (database/sqlbuilder/*.go `SerializeSql`),
 * with the per-dialect hooks kysely's `DefaultQueryCompiler` subclasses override.
 */
export abstract class QueryCompiler {
	abstract readonly dialect: Dialect;
	declare sql: string;
	declare params: QueryParam[];
	declare readonly inline: boolean;
	declare readonly database: string | undefined;
	declare readonly placeholders: PlaceholderStyle;
	declare readonly compat: boolean;
	/** False while writing INSERT column lists / SET targets on PostgreSQL and SQLite. */
	declare qualify: boolean;

	constructor(options: CompilerOptions) {
		this.sql = "";
		this.params = [];
		this.qualify = true;
		this.inline = options.inline;
		this.database = options.database;
		this.placeholders = options.placeholders;
		this.compat = options.godropboxCompat === true;
	}

	result(): CompiledQuery {
		return { sql: this.sql, params: this.params };
	}

	// ---- dialect hooks ----------------------------------------------------------------------

	abstract quote(id: string): string;
	abstract inlineLiteral(v: LiteralValue): string;
	abstract toParam(v: LiteralValue): QueryParam;
	abstract limit(limit: number, offset: number): void;
	abstract lock(kind: "share" | "update"): void;
	abstract indexHint(index: string, statement: string): void;
	abstract intervalText(micros: bigint, negative: boolean): void;

	// ---- errors -----------------------------------------------------------------------------

	/** `<msg>.  Generated sql: <sql so far>` — godropbox's format, two spaces included. */
	fail(code: SqlBuilderError["code"], msg: string): never {
		throw new SqlBuilderError(code, `${msg}.  Generated sql: ${this.sql}`, {
			sql: this.sql,
		});
	}

	failPlain(code: SqlBuilderError["code"], msg: string): never {
		throw new SqlBuilderError(code, msg);
	}

	unsupported(what: string): never {
		throw new SqlBuilderError(
			Code.UNSUPPORTED,
			`${what} is not supported by the ${this.dialect} dialect`,
		);
	}

	// ---- shared pieces ----------------------------------------------------------------------

	checkDatabase(): void {
		if (this.database !== undefined && !isValidIdentifier(this.database))
			this.failPlain(Code.INVALID_DATABASE, "Invalid database name specified");
	}

	checkComment(comment: string): void {
		if (comment !== "" && !isValidComment(comment))
			this.failPlain(Code.INVALID_COMMENT, `Invalid comment: ${comment}`);
	}

	comment(comment: string): void {
		if (comment === "") return;
		if (this.placeholders === "knex" && comment.includes("?"))
			this.sql += `/* ${comment.replaceAll("?", "\\?")} */`;
		else this.sql += `/* ${comment} */`;
	}

	tableName(name: string): void {
		this.sql +=
			this.database === undefined
				? this.quote(name)
				: `${this.quote(this.database)}.${this.quote(name)}`;
	}

	/** Appends a literal: inline text, or a placeholder plus a parameter. NULL is always inline. */
	literal(v: LiteralValue): void {
		if (v === null || this.inline) {
			this.sql += this.inlineLiteral(v);
			return;
		}
		this.params.push(this.toParam(v));
		this.sql += this.placeholders === "dollar" ? `$${this.params.length}` : "?";
	}

	expr(e: Expression | undefined, nilMessage: string): void {
		if (e == null) this.fail(Code.NIL_ARGUMENT, nilMessage);
		e.compile(this);
	}

	/** godropbox: expression.go `serializeClauses`. */
	clauses(list: readonly OrderByClause[] | undefined, sep: string): void {
		if (list == null || list.length === 0)
			this.fail(Code.EMPTY_CLAUSES, "Empty clauses");
		for (let i = 0; i < list.length; i++) {
			if (i > 0) this.sql += sep;
			const c = list[i];
			if (c == null) this.fail(Code.NIL_ARGUMENT, "nil clause");
			c.compile(this);
		}
	}

	/** A table or join reference (godropbox: table.go `SerializeSql`). */
	tableExpression(t: unknown, statement: string): void {
		if (t == null) this.fail(Code.NIL_ARGUMENT, "nil table");
		const j = t as JoinLike;
		if (j.joinType !== undefined) {
			if (j.lhs == null) this.fail(Code.NIL_ARGUMENT, "nil lhs");
			if (j.rhs == null) this.fail(Code.NIL_ARGUMENT, "nil rhs");
			if (j.onCondition == null)
				this.fail(Code.NIL_ARGUMENT, "nil onCondition");
			this.tableExpression(j.lhs, statement);
			this.sql += ` ${j.joinType} `;
			this.tableExpression(j.rhs, statement);
			this.sql += " ON ";
			j.onCondition.compile(this);
			return;
		}
		const table = t as TableLike;
		this.tableName(table.name());
		if (table.forcedIndex !== undefined) {
			if (statement !== "SELECT" && statement !== "UPDATE")
				throw new SqlBuilderError(
					Code.UNSUPPORTED,
					`FORCE INDEX is not allowed in ${statement} (MySQL rejects it there)`,
				);
			this.indexHint(table.forcedIndex, statement);
		}
	}

	// ---- expressions ------------------------------------------------------------------------

	/** 0 for backtick quoting, 2 for double quotes: the index into `Column.refs`. */
	abstract readonly quoteIndex: 0 | 2;

	column(col: Column): void {
		this.sql += col.refs[this.qualify ? this.quoteIndex : this.quoteIndex + 1];
	}

	aliasRef(a: Alias): void {
		this.sql += this.quote(a.name());
	}

	projectAlias(a: Alias): void {
		if (!isValidIdentifier(a.name()))
			this.fail(Code.INVALID_ALIAS_NAME, `Invalid alias name \`${a.name()}\``);
		if (a.expression == null)
			this.fail(Code.NIL_ARGUMENT, "Cannot alias a nil expression");
		this.sql += "(";
		a.expression.compile(this);
		this.sql += `) AS ${this.quote(a.name())}`;
	}

	comparisonOperator(op: string): string {
		return op;
	}

	comparison(e: ComparisonExpression): void {
		this.expr(e.lhs, "nil lhs");
		this.sql += this.comparisonOperator(e.operator);
		this.expr(e.rhs, "nil rhs");
		if (e.operator === " LIKE ") this.likeEscape();
	}

	likeEscape(): void {}

	binaryOperator(op: string): string {
		return op;
	}

	binaryOperand(e: Expression | undefined, nil: string): void {
		if (e == null) this.fail(Code.NIL_ARGUMENT, nil);
		// Fix of godropbox's precedence bug: `minus(5, plus(3, 1))` is `5 - (3 + 1)`.
		if (e.bareBinary) {
			this.sql += "(";
			e.compile(this);
			this.sql += ")";
		} else e.compile(this);
	}

	binary(e: BinaryExpression<unknown>): void {
		this.binaryOperand(e.lhs, "nil lhs");
		this.sql += ` ${this.binaryOperator(e.operator)} `;
		this.binaryOperand(e.rhs, "nil rhs");
	}

	conjunct(e: ConjunctExpression): void {
		const ops = e.operands;
		if (ops.length === 0)
			this.fail(Code.EMPTY_CONJUNCTION, "Empty conjunction");
		if (ops.length > 1) this.sql += "(";
		this.clauses(ops, e.conjunction);
		if (ops.length > 1) this.sql += ")";
	}

	arithmetic(e: ArithmeticExpression<unknown>): void {
		const ops = e.operands;
		if (ops.length === 0)
			this.fail(Code.EMPTY_ARITHMETIC, "Empty arithmetic expression");
		if (ops.length > 1) this.sql += "(";
		for (let i = 0; i < ops.length; i++) {
			if (i > 0) this.sql += e.operator;
			this.binaryOperand(ops[i], "nil clause");
		}
		if (ops.length > 1) this.sql += ")";
	}

	not(e: NotExpression): void {
		this.sql += "NOT (";
		this.expr(e.nested, "nil nested");
		this.sql += ")";
	}

	in(e: InExpression): void {
		if (!Array.isArray(e.values))
			this.failPlain(
				Code.INVALID_IN_LIST,
				`Invalid IN expression\nUnknown value list type in IN clause: ${e.values === null ? "%!s(<nil>)" : typeof e.values}`,
			);
		if (e.lhs == null)
			this.fail(Code.NIL_ARGUMENT, "lhs of in expression is nil");
		// godropbox renders the left side even for an empty list so that its errors surface.
		const saved = this.sql;
		const savedParams = this.params.length;
		this.sql = "";
		e.lhs.compile(this);
		const lhs = this.sql;
		this.sql = saved;
		if (e.values.length === 0) {
			this.params.length = savedParams;
			this.sql += "FALSE";
			return;
		}
		this.sql += `${lhs} IN (`;
		for (let i = 0; i < e.values.length; i++) {
			if (i > 0) this.sql += ",";
			this.literal(e.values[i] as LiteralValue);
		}
		this.sql += ")";
	}

	func(e: FuncExpression<unknown>): void {
		if (!isValidIdentifier(e.funcName))
			this.fail(
				Code.INVALID_FUNCTION_NAME,
				`Invalid function name: ${e.funcName}`,
			);
		if (e.star) {
			this.sql += `${e.funcName}(*)`;
			return;
		}
		this.sql += e.funcName;
		if (e.args.length === 0) {
			this.sql += "()";
			return;
		}
		this.sql += "(";
		this.clauses(e.args, ",");
		this.sql += ")";
	}

	tuple(e: TupleExpression): void {
		if (e.elements.length === 0)
			this.failPlain(
				Code.EMPTY_TUPLE,
				"Tuples must include at least one element",
			);
		this.sql += "(";
		this.clauses(e.elements, ",");
		this.sql += ")";
	}

	interval(e: IntervalExpression): void {
		this.intervalText(e.micros, e.negative);
	}

	/** `H:M:S` and the microsecond remainder of a duration. */
	static splitMicros(micros: bigint): [bigint, bigint, bigint, bigint] {
		const h = micros / 3_600_000_000n;
		const m = (micros % 3_600_000_000n) / 60_000_000n;
		const s = (micros % 60_000_000n) / 1_000_000n;
		const us = micros % 1_000_000n;
		return [h, m, s, us];
	}

	ifExpr(e: IfExpression<unknown>): void {
		this.sql += "IF(";
		this.expr(e.condition, "nil clause");
		this.sql += ",";
		this.expr(e.whenTrue, "nil clause");
		this.sql += ",";
		this.expr(e.whenFalse, "nil clause");
		this.sql += ")";
	}

	caseWhen(e: CaseExpression<unknown>): void {
		if (e.branches.length === 0) this.fail(Code.EMPTY_CLAUSES, "Empty clauses");
		this.sql += "CASE";
		for (const [cond, value] of e.branches) {
			this.sql += " WHEN ";
			this.expr(cond, "nil clause");
			this.sql += " THEN ";
			this.expr(value, "nil clause");
		}
		if (e.otherwise !== undefined) {
			this.sql += " ELSE ";
			this.expr(e.otherwise, "nil clause");
		}
		this.sql += " END";
	}

	columnValue(e: ColumnValueExpression<unknown>): void {
		this.sql += "VALUES(";
		this.expr(e.column, "nil clause");
		this.sql += ")";
	}

	orderBy(o: OrderBy): void {
		if (o.expression == null)
			this.fail(Code.NIL_ARGUMENT, "nil order by clause");
		o.expression.compile(this);
		this.sql += o.ascending ? " ASC" : " DESC";
	}
}
