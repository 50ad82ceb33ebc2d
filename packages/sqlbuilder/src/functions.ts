import { Alias, type Column, ColumnValueExpression } from "./column.js";
import { SqlBuilderError, SqlBuilderErrorCode } from "./errors.js";
import type { ColumnKind } from "./expression.js";
import {
	ArithmeticExpression,
	BinaryExpression,
	type BoolExpression,
	CaseExpression,
	ComparisonExpression,
	ConjunctExpression,
	type Expression,
	FuncExpression,
	IfExpression,
	InExpression,
	IntervalExpression,
	LiteralExpression,
	NotExpression,
	OrderBy,
	TupleExpression,
} from "./expression.js";
import { checkLiteral, type LiteralValue } from "./internal/literal.js";

/** The TypeScript type of a literal: `literal(5)` is an `Expression<number>`. */
export type LiteralType<V> = V extends number
	? number
	: V extends bigint
		? bigint
		: V extends string
			? string
			: V extends boolean
				? boolean
				: V extends Uint8Array
					? Uint8Array
					: V extends Date
						? Date
						: null;

function kindOf(v: LiteralValue): ColumnKind | undefined {
	switch (typeof v) {
		case "number":
			return Number.isInteger(v) ? "int" : "double";
		case "bigint":
			return "int";
		case "string":
			return "str";
		case "boolean":
			return "bool";
		default:
			if (v instanceof Uint8Array) return "bytes";
			if (v instanceof Date) return "datetime";
			return undefined;
	}
}

/**
 * A literal value (godropbox: `Literal`): number, bigint, string, boolean, Uint8Array/Buffer,
 * Date or null. Inline in `toSQL`, a bound parameter in `toQuery`.
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_LITERAL` at once for any other value,
 *   a non-finite number, an Invalid Date or a bigint outside −2^63 … 2^64−1.
 */
export function literal<const V extends LiteralValue>(
	value: V,
): Expression<LiteralType<V>> {
	const v = checkLiteral(value);
	return new LiteralExpression(v, kindOf(v));
}

/** A literal for the `…L` helpers (its kind is never needed: it is compared, not selected). */
function lit(v: unknown): Expression {
	return new LiteralExpression(checkLiteral(v), undefined);
}

function isNullLiteral(e: unknown): boolean {
	return e instanceof LiteralExpression && e.value === null;
}

/** `a=b`; `a IS null` when `b` is a NULL literal (godropbox: `Eq`). */
export function eq<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, isNullLiteral(rhs) ? " IS " : "=");
}
/** `a=<literal>`; `a IS null` for null (godropbox: `EqL`). */
export function eqL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return eq(lhs, lit(value));
}
/** `a!=b`; `a IS NOT null` when `b` is a NULL literal (godropbox: `Neq`). */
export function neq<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(
		lhs,
		rhs,
		isNullLiteral(rhs) ? " IS NOT " : "!=",
	);
}
/** `a!=<literal>` (godropbox: `NeqL`). */
export function neqL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return neq(lhs, lit(value));
}
/** `a<b` (godropbox: `Lt`). */
export function lt<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, "<");
}
/** `a<<literal>` (godropbox: `LtL`). */
export function ltL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return lt(lhs, lit(value));
}
/** `a<=b` (godropbox: `Lte`). */
export function lte<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, "<=");
}
/** `a<=<literal>` (godropbox: `LteL`). */
export function lteL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return lte(lhs, lit(value));
}
/** `a>b` (godropbox: `Gt`). */
export function gt<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, ">");
}
/** `a><literal>` (godropbox: `GtL`). */
export function gtL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return gt(lhs, lit(value));
}
/** `a>=b` (godropbox: `Gte`). */
export function gte<T>(
	lhs: Expression<T>,
	rhs: Expression<T | null>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, ">=");
}
/** `a>=<literal>` (godropbox: `GteL`). */
export function gteL<T>(
	lhs: Expression<T>,
	value: NoInfer<T> | null,
): BoolExpression {
	return gte(lhs, lit(value));
}
/** `a LIKE b` (godropbox: `Like`). SQLite gets `ESCAPE '\'` so `\%`/`\_` work there too. */
export function like(
	lhs: Expression<string>,
	rhs: Expression<string>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, " LIKE ");
}
/** `a LIKE '<pattern>'` (godropbox: `LikeL`); build patterns with {@link escapeForLike}. */
export function likeL(
	lhs: Expression<string>,
	pattern: string,
): BoolExpression {
	return like(lhs, literal(pattern));
}
/** `a REGEXP b` (`~` on PostgreSQL) (godropbox: `Regexp`). */
export function regexp(
	lhs: Expression<string>,
	rhs: Expression<string>,
): BoolExpression {
	return new ComparisonExpression(lhs, rhs, " REGEXP ");
}
/** `a REGEXP '<pattern>'` (godropbox: `RegexpL`). */
export function regexpL(
	lhs: Expression<string>,
	pattern: string,
): BoolExpression {
	return regexp(lhs, literal(pattern));
}

/**
 * Escapes `\`, `%` and `_` for a LIKE pattern (godropbox: `EscapeForLike`, which forgot `\`).
 * @example likeL(t.c("name"), `${escapeForLike(prefix)}%`)
 */
export function escapeForLike(s: string): string {
	return s.replace(/[\\%_]/g, "\\$&");
}

/** `(c1 AND c2 …)`; one operand alone; none fails at render (godropbox: `And`). */
export function and(...conditions: BoolExpression[]): BoolExpression {
	return new ConjunctExpression(conditions, " AND ");
}
/** `(c1 OR c2 …)` (godropbox: `Or`). */
export function or(...conditions: BoolExpression[]): BoolExpression {
	return new ConjunctExpression(conditions, " OR ");
}
/** `NOT (c)` (godropbox: `Not`). */
export function not(condition: BoolExpression): BoolExpression {
	return new NotExpression(condition);
}

/**
 * `a IN (v1,v2,…)`; an empty list renders `FALSE` (godropbox: `In`; `in` is reserved in JS).
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_LITERAL` for a value with no literal form.
 */
export function inList<T>(
	lhs: Expression<T>,
	values: readonly (NoInfer<T> | null)[],
): BoolExpression {
	if (!Array.isArray(values))
		return new InExpression(lhs, values as unknown as LiteralValue[]);
	const out: LiteralValue[] = new Array(values.length);
	for (let i = 0; i < values.length; i++) out[i] = checkLiteral(values[i]);
	return new InExpression(lhs, out);
}

type Numeric = number | bigint;

function arithmeticKind(exprs: readonly Expression[]): ColumnKind | undefined {
	for (const e of exprs) if (e?.valueKind === "double") return "double";
	return exprs[0]?.valueKind;
}

/** `(a + b + …)` (godropbox: `Add`). */
export function add<T extends Numeric>(
	...operands: Expression<T>[]
): Expression<T> {
	return new ArithmeticExpression(operands, " + ", arithmeticKind(operands));
}
/** `(a - b - …)` (godropbox: `Sub`). */
export function sub<T extends Numeric>(
	...operands: Expression<T>[]
): Expression<T> {
	return new ArithmeticExpression(operands, " - ", arithmeticKind(operands));
}
/** `(a * b * …)` (godropbox: `Mul`). */
export function mul<T extends Numeric>(
	...operands: Expression<T>[]
): Expression<T> {
	return new ArithmeticExpression(operands, " * ", arithmeticKind(operands));
}
/** `(a / b / …)` (godropbox: `Div`); MySQL divides exactly, PostgreSQL/SQLite truncate integers. */
export function div<T extends Numeric>(
	...operands: Expression<T>[]
): Expression<number> {
	return new ArithmeticExpression(operands, " / ", "double");
}

/**
 * `a + b` (godropbox: `Plus`). A nested unparenthesised binary operand is parenthesised,
 * fixing godropbox's `5 - 3 + 1` for `minus(5, plus(3, 1))`.
 */
export function plus<T extends Numeric | Date>(
	lhs: Expression<T>,
	rhs: Expression<unknown>,
): Expression<T> {
	return new BinaryExpression(lhs, rhs, "+", lhs?.valueKind);
}
/** `a - b` (godropbox: `Minus`). */
export function minus<T extends Numeric | Date>(
	lhs: Expression<T>,
	rhs: Expression<unknown>,
): Expression<T> {
	return new BinaryExpression(lhs, rhs, "-", lhs?.valueKind);
}
/** `a | b` (godropbox: `BitOr`). */
export function bitOr<T extends Numeric>(
	lhs: Expression<T>,
	rhs: Expression<T>,
): Expression<T> {
	return new BinaryExpression(lhs, rhs, "|", "int");
}
/** `a & b` (godropbox: `BitAnd`). */
export function bitAnd<T extends Numeric>(
	lhs: Expression<T>,
	rhs: Expression<T>,
): Expression<T> {
	return new BinaryExpression(lhs, rhs, "&", "int");
}
/** `a ^ b` (`#` on PostgreSQL; unsupported on SQLite) (godropbox: `BitXor`). */
export function bitXor<T extends Numeric>(
	lhs: Expression<T>,
	rhs: Expression<T>,
): Expression<T> {
	return new BinaryExpression(lhs, rhs, "^", "int");
}

/**
 * `name(args…)` (godropbox: `SqlFunc`). The name is validated when rendered. Give `T` for a
 * typed result: `sqlFunc<number>("LENGTH", t.c("name"))`.
 */
export function sqlFunc<T = unknown>(
	name: string,
	...args: Expression[]
): Expression<T> {
	return new FuncExpression(name, args, undefined);
}

/** `COUNT(*)` (godropbox had no way to write it), or `COUNT(expr)`. */
export function count(
	expr?: Expression | undefined,
): Expression<number | bigint> {
	return expr === undefined
		? new FuncExpression("COUNT", [], "int", true)
		: new FuncExpression("COUNT", [expr], "int");
}

/** `(e1,e2,…)` (godropbox: `Tuple`); compare tuples with `eq` for row comparison. */
export function tuple(...elements: Expression[]): Expression<unknown> {
	return new TupleExpression(elements);
}

/**
 * `INTERVAL 'H:M:S:UUUUUU' HOUR_MICROSECOND` for a duration in **microseconds** (godropbox:
 * `Interval(time.Duration)`, which wrote the microseconds without zero padding).
 */
export function interval(microseconds: number | bigint): Expression<unknown> {
	let v: bigint;
	if (typeof microseconds === "bigint") v = microseconds;
	else if (Number.isFinite(microseconds)) v = BigInt(Math.trunc(microseconds));
	else
		throw new SqlBuilderError(
			SqlBuilderErrorCode.INVALID_LITERAL,
			`Invalid interval: ${microseconds} microseconds`,
		);
	return v < 0n
		? new IntervalExpression(-v, true)
		: new IntervalExpression(v, false);
}

/** `IF(c,a,b)` (`CASE WHEN` on PostgreSQL/SQLite) (godropbox: `If`; `if` is reserved in JS). */
export function ifExpr<T>(
	condition: BoolExpression,
	whenTrue: Expression<T>,
	whenFalse: Expression<T | null>,
): Expression<T> {
	return new IfExpression(condition, whenTrue, whenFalse);
}

/** `CASE WHEN c1 THEN v1 … [ELSE v] END` (godropbox had no CASE). */
export function caseWhen<T>(
	branches: readonly (readonly [BoolExpression, Expression<T>])[],
	otherwise?: Expression<T | null> | undefined,
): Expression<T> {
	return new CaseExpression(branches, otherwise);
}

/**
 * The value a row would have inserted, for ON DUPLICATE KEY UPDATE: `VALUES(col)` on MySQL,
 * `EXCLUDED.col` on PostgreSQL/SQLite (godropbox: `ColumnValue`).
 */
export function columnValue<T>(
	col: Column<string, T, boolean, string>,
): Expression<T> {
	return new ColumnValueExpression(col);
}

/** `(expr) AS `name`` in a SELECT list, `` `name` `` elsewhere (godropbox: `Alias`). */
export function alias<const Name extends string, T>(
	name: Name,
	expr: Expression<T>,
): Alias<Name, T> {
	return new Alias(name, expr);
}

/** `expr ASC` (godropbox: `Asc`). */
export function asc(expr: Expression): OrderBy {
	return new OrderBy(expr, true);
}
/** `expr DESC` (godropbox: `Desc`). */
export function desc(expr: Expression): OrderBy {
	return new OrderBy(expr, false);
}
