import type { QueryCompiler } from "./internal/compiler.js";
import type { LiteralValue } from "./internal/literal.js";
import { renderFragment } from "./internal/render.js";

/**
 * What a value expression yields, as a TypeScript type. `int` is `number | bigint` (see the
 * README's "BIGINT precision").
 */
export interface KindValueMap {
	int: number | bigint;
	double: number;
	bool: boolean;
	str: string;
	bytes: Uint8Array;
	datetime: Date;
}

/** The column kinds (godropbox: `IntColumn`, `DoubleColumn`, …). */
export type ColumnKind = keyof KindValueMap;

/**
 * A SQL value expression yielding `T` (godropbox: `Expression`). Immutable.
 * `T` is the non-null value type; nullability lives on columns.
 */
export abstract class Expression<T = unknown> {
	/** Phantom: the TypeScript type of the value. Never set at run time. */
	declare readonly "~value": T;
	/** The column kind of the value when known; drives result conversion in `execute`. */
	declare readonly valueKind: ColumnKind | undefined;

	constructor(valueKind?: ColumnKind | undefined) {
		this.valueKind = valueKind;
	}

	/** @internal Appends this expression to the compiler's buffer. */
	abstract compile(c: QueryCompiler): void;

	/** @internal True for binary operators written without parentheses (`a + b`, `a | b`). */
	get bareBinary(): boolean {
		return false;
	}

	/**
	 * Renders this expression on its own as MySQL text with inline literals, as godropbox's
	 * `SerializeSql` does.
	 * @throws {@link SqlBuilderError} as the statement renderers do.
	 */
	toSQL(): string {
		return renderFragment(this);
	}
}

/**
 * A condition (godropbox: `BoolExpression`): usable in WHERE, ON, `and`/`or`/`not`, `ifExpr`.
 */
export abstract class BoolExpression extends Expression<boolean> {
	/** Phantom brand: only comparisons and logical operators are conditions. */
	declare readonly "~condition": true;
}

/** `asc(expr)` / `desc(expr)` (godropbox: `OrderByClause` from `Asc`/`Desc`). */
export class OrderBy {
	declare readonly expression: Expression;
	declare readonly ascending: boolean;

	constructor(expression: Expression, ascending: boolean) {
		this.expression = expression;
		this.ascending = ascending;
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		c.orderBy(this);
	}

	/** Renders as MySQL text, e.g. `` `t`.`c` DESC ``. */
	toSQL(): string {
		return renderFragment(this);
	}
}

/** Anything that renders into a statement (godropbox: `Clause`). */
export type Clause = Expression | OrderBy;

/** Anything accepted by ORDER BY: an expression (no direction) or `asc`/`desc`. */
export type OrderByClause = Expression | OrderBy;

/** @internal A literal value node (godropbox: `literalExpression`). */
export class LiteralExpression<T> extends Expression<T> {
	declare readonly value: LiteralValue;

	constructor(value: LiteralValue, kind?: ColumnKind | undefined) {
		super(kind);
		this.value = value;
	}

	compile(c: QueryCompiler): void {
		c.literal(this.value);
	}
}

/** @internal `a<op>b` comparisons, LIKE, REGEXP (godropbox: `boolExpression`). */
export class ComparisonExpression extends BoolExpression {
	declare readonly lhs: Expression;
	declare readonly rhs: Expression;
	declare readonly operator: string;

	constructor(lhs: Expression, rhs: Expression, operator: string) {
		super("bool");
		this.lhs = lhs;
		this.rhs = rhs;
		this.operator = operator;
	}

	compile(c: QueryCompiler): void {
		c.comparison(this);
	}
}

/** @internal Binary `+ - | & ^` (godropbox: `binaryExpression`). */
export class BinaryExpression<T> extends Expression<T> {
	declare readonly lhs: Expression;
	declare readonly rhs: Expression;
	declare readonly operator: "+" | "-" | "|" | "&" | "^";

	constructor(
		lhs: Expression,
		rhs: Expression,
		operator: "+" | "-" | "|" | "&" | "^",
		kind: ColumnKind | undefined,
	) {
		super(kind);
		this.lhs = lhs;
		this.rhs = rhs;
		this.operator = operator;
	}

	override get bareBinary(): boolean {
		return true;
	}

	compile(c: QueryCompiler): void {
		c.binary(this);
	}
}

/** @internal AND / OR (godropbox: `conjunctExpression`). */
export class ConjunctExpression extends BoolExpression {
	declare readonly operands: readonly BoolExpression[];
	declare readonly conjunction: " AND " | " OR ";

	constructor(
		operands: readonly BoolExpression[],
		conjunction: " AND " | " OR ",
	) {
		super("bool");
		this.operands = operands;
		this.conjunction = conjunction;
	}

	compile(c: QueryCompiler): void {
		c.conjunct(this);
	}
}

/** @internal n-ary `+ - * /` (godropbox: `arithmeticExpression`). */
export class ArithmeticExpression<T> extends Expression<T> {
	declare readonly operands: readonly Expression[];
	declare readonly operator: " + " | " - " | " * " | " / ";

	constructor(
		operands: readonly Expression[],
		operator: " + " | " - " | " * " | " / ",
		kind: ColumnKind | undefined,
	) {
		super(kind);
		this.operands = operands;
		this.operator = operator;
	}

	compile(c: QueryCompiler): void {
		c.arithmetic(this);
	}
}

/** @internal NOT (godropbox: `negateExpression`). */
export class NotExpression extends BoolExpression {
	declare readonly nested: BoolExpression;

	constructor(nested: BoolExpression) {
		super("bool");
		this.nested = nested;
	}

	compile(c: QueryCompiler): void {
		c.not(this);
	}
}

/** @internal `a IN (…)` (godropbox: `inExpression`). */
export class InExpression extends BoolExpression {
	declare readonly lhs: Expression;
	declare readonly values: readonly LiteralValue[];

	constructor(lhs: Expression, values: readonly LiteralValue[]) {
		super("bool");
		this.lhs = lhs;
		this.values = values;
	}

	compile(c: QueryCompiler): void {
		c.in(this);
	}
}

/** @internal `name(args…)` (godropbox: `funcExpression`); `COUNT(*)` when `star`. */
export class FuncExpression<T> extends Expression<T> {
	declare readonly funcName: string;
	declare readonly args: readonly Expression[];
	declare readonly star: boolean;

	constructor(
		funcName: string,
		args: readonly Expression[],
		kind: ColumnKind | undefined,
		star = false,
	) {
		super(kind);
		this.funcName = funcName;
		this.args = args;
		this.star = star;
	}

	compile(c: QueryCompiler): void {
		c.func(this);
	}
}

/** @internal `(e1,e2,…)` (godropbox: `tupleExpression`). */
export class TupleExpression extends Expression<unknown> {
	declare readonly elements: readonly Expression[];

	constructor(elements: readonly Expression[]) {
		super(undefined);
		this.elements = elements;
	}

	compile(c: QueryCompiler): void {
		c.tuple(this);
	}
}

/** @internal `INTERVAL '…' HOUR_MICROSECOND` (godropbox: `intervalExpression`). */
export class IntervalExpression extends Expression<unknown> {
	/** Absolute value in microseconds. */
	declare readonly micros: bigint;
	declare readonly negative: boolean;

	constructor(micros: bigint, negative: boolean) {
		super(undefined);
		this.micros = micros;
		this.negative = negative;
	}

	compile(c: QueryCompiler): void {
		c.interval(this);
	}
}

/** @internal `IF(c,a,b)` (godropbox: `ifExpression`). */
export class IfExpression<T> extends Expression<T> {
	declare readonly condition: BoolExpression;
	declare readonly whenTrue: Expression;
	declare readonly whenFalse: Expression;

	constructor(
		condition: BoolExpression,
		whenTrue: Expression,
		whenFalse: Expression,
	) {
		super(whenTrue?.valueKind ?? whenFalse?.valueKind);
		this.condition = condition;
		this.whenTrue = whenTrue;
		this.whenFalse = whenFalse;
	}

	compile(c: QueryCompiler): void {
		c.ifExpr(this);
	}
}

/** @internal `CASE WHEN … THEN … [ELSE …] END`. */
export class CaseExpression<T> extends Expression<T> {
	declare readonly branches: readonly (readonly [BoolExpression, Expression])[];
	declare readonly otherwise: Expression | undefined;

	constructor(
		branches: readonly (readonly [BoolExpression, Expression])[],
		otherwise: Expression | undefined,
	) {
		super(branches[0]?.[1]?.valueKind);
		this.branches = branches;
		this.otherwise = otherwise;
	}

	compile(c: QueryCompiler): void {
		c.caseWhen(this);
	}
}
