import { describe, expect, it } from "vitest";
import {
	add,
	alias,
	and,
	asc,
	type BoolExpression,
	SqlBuilderErrorCode as Code,
	columnValue,
	type Expression,
	eq,
	eqL,
	gtL,
	ifExpr,
	inList,
	intColumn,
	literal,
	NotNullable,
	newGtidNextStatement,
	newLockStatement,
	newTable,
	not,
	or,
	plus,
	SqlBuilderError,
	type SqlBuilderErrorCode,
	sqlFunc,
	strColumn,
	tuple,
	UTF8,
	UTF8Binary,
	union,
} from "../../src/index.js";
import { table1, table2 } from "../fixtures/tables.js";

const { col1, col2, col3, col4 } = table1.cols;
const NIL = undefined as unknown as BoolExpression;
const NILE = undefined as unknown as Expression<number>;

function caught(fn: () => unknown): SqlBuilderError {
	try {
		fn();
	} catch (e) {
		if (e instanceof SqlBuilderError) return e;
		throw e;
	}
	throw new Error("expected a SqlBuilderError");
}

function expectError(
	fn: () => unknown,
	code: SqlBuilderErrorCode,
	message: string,
): void {
	const e = caught(fn);
	expect(e.code).toBe(code);
	expect(e.message).toBe(message);
	expect(e).toBeInstanceOf(Error);
}

const sel = "SELECT `table1`.`col1` FROM `db`.`table1` WHERE ";

describe("error catalogue (spec §10): godropbox messages, stable codes", () => {
	it("construction errors throw at once", () => {
		expectError(
			() => newTable("bad-name", intColumn("a", NotNullable)),
			Code.INVALID_TABLE_NAME,
			"Invalid table name",
		);
		expectError(() => newTable("t"), Code.NO_COLUMNS, "Table t has no columns");
		expectError(
			() => intColumn("9x", NotNullable),
			Code.INVALID_COLUMN_NAME,
			"Invalid column name in int column",
		);
		expectError(
			() => strColumn("", UTF8, UTF8Binary, NotNullable),
			Code.INVALID_COLUMN_NAME,
			"Invalid column name in str column",
		);
		expectError(
			() =>
				newTable("t", intColumn("a", NotNullable), intColumn("a", NotNullable)),
			Code.DUPLICATE_COLUMN,
			"Table t declares column 'a' twice",
		);
		expectError(
			() => newTable("t", table1.c("nope") as never),
			Code.INVALID_COLUMN_NAME,
			"Lookup column 'nope' should never have setTableName called on it",
		);
		expectError(
			() => newTable("t", alias("x", col1) as never),
			Code.INVALID_COLUMN_NAME,
			"Alias column 'x' should never have setTableName called on it",
		);
	});

	it("database and comment", () => {
		for (const db of ["", "shard-1", "9db", "bad db"])
			expectError(
				() => table1.select(col1).toSQL(db),
				Code.INVALID_DATABASE,
				"Invalid database name specified",
			);
		expectError(
			() => table1.delete().toSQL("bad db"),
			Code.INVALID_DATABASE,
			"Invalid database name specified",
		);
		expectError(
			() => table1.select(col1).comment("a*/b").toSQL("db"),
			Code.INVALID_COMMENT,
			"Invalid comment: a*/b",
		);
	});

	it("select errors carry the SQL prefix", () => {
		expectError(
			() => table1.select().distinct().toSQL("db"),
			Code.NO_PROJECTIONS,
			"No column selected.  Generated sql: SELECT DISTINCT ",
		);
		expectError(
			() => table1.select(col1, undefined as never).toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil column selected.  Generated sql: SELECT `table1`.`col1`,",
		);
		expectError(
			() => table1.select(col1).where(and()).toSQL("db"),
			Code.EMPTY_CONJUNCTION,
			`Empty conjunction.  Generated sql: ${sel}`,
		);
		expectError(
			() =>
				table1
					.select(col1)
					.where(and(eqL(col1, 1), NIL))
					.toSQL("db"),
			Code.NIL_ARGUMENT,
			`nil clause.  Generated sql: ${sel}(\`table1\`.\`col1\`=1 AND `,
		);
		expectError(
			() => table1.select(col1).groupBy().toSQL("db"),
			Code.EMPTY_CLAUSES,
			"Empty clauses.  Generated sql: SELECT `table1`.`col1` FROM `db`.`table1` GROUP BY ",
		);
		expectError(
			() => table1.select(col1).orderBy(asc(NILE)).toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil order by clause.  Generated sql: SELECT `table1`.`col1` FROM `db`.`table1` ORDER BY ",
		);
		expectError(
			() => table1.select(alias("bad-name", col1)).toSQL("db"),
			Code.INVALID_ALIAS_NAME,
			"Invalid alias name `bad-name`.  Generated sql: SELECT ",
		);
		expectError(
			() => table1.select(alias("a", NILE)).toSQL("db"),
			Code.NIL_ARGUMENT,
			"Cannot alias a nil expression.  Generated sql: SELECT ",
		);
		expectError(
			() => table1.select(table1.c("nope")).toSQL("db"),
			Code.NO_SUCH_COLUMN,
			"No such column 'nope' in table 'table1'",
		);
		expectError(
			() => table1.forceIndex("x y").select(col1).toSQL("db"),
			Code.INVALID_INDEX_NAME,
			"'x y' is not a valid identifier for an index",
		);
		expectError(
			() => table1.select(col1).offset(3).toSQL("db"),
			Code.OFFSET_WITHOUT_LIMIT,
			"Offset without limit: set a limit too (godropbox dropped the offset silently)",
		);
	});

	it("expression errors", () => {
		expectError(
			() => eq(NILE, literal(1)).toSQL(),
			Code.NIL_ARGUMENT,
			"nil lhs.  Generated sql: ",
		);
		expectError(
			() => eq(col1, NILE).toSQL(),
			Code.NIL_ARGUMENT,
			"nil rhs.  Generated sql: `table1`.`col1`=",
		);
		expectError(
			() => not(NIL).toSQL(),
			Code.NIL_ARGUMENT,
			"nil nested.  Generated sql: NOT (",
		);
		expectError(
			() => or().toSQL(),
			Code.EMPTY_CONJUNCTION,
			"Empty conjunction.  Generated sql: ",
		);
		expectError(
			() => add().toSQL(),
			Code.EMPTY_ARITHMETIC,
			"Empty arithmetic expression.  Generated sql: ",
		);
		expectError(
			() => add(literal(1), NILE).toSQL(),
			Code.NIL_ARGUMENT,
			"nil clause.  Generated sql: (1 + ",
		);
		expectError(
			() => plus(literal(1), NILE).toSQL(),
			Code.NIL_ARGUMENT,
			"nil rhs.  Generated sql: 1 + ",
		);
		expectError(
			() => tuple().toSQL(),
			Code.EMPTY_TUPLE,
			"Tuples must include at least one element",
		);
		expectError(
			() => tuple(literal(1), NILE).toSQL(),
			Code.NIL_ARGUMENT,
			"nil clause.  Generated sql: (1,",
		);
		expectError(
			() => sqlFunc("bad name").toSQL(),
			Code.INVALID_FUNCTION_NAME,
			"Invalid function name: bad name.  Generated sql: ",
		);
		expectError(
			() => sqlFunc("f", literal(1), NILE).toSQL(),
			Code.NIL_ARGUMENT,
			"nil clause.  Generated sql: f(1,",
		);
		expectError(
			() => inList(NILE, [1]).toSQL(),
			Code.NIL_ARGUMENT,
			"lhs of in expression is nil.  Generated sql: ",
		);
		expectError(
			() => inList(table1.c("nope"), []).toSQL(),
			Code.NO_SUCH_COLUMN,
			"No such column 'nope' in table 'table1'",
		);
		expectError(
			() => inList(col1, 5 as never).toSQL(),
			Code.INVALID_IN_LIST,
			"Invalid IN expression\nUnknown value list type in IN clause: number",
		);
	});

	it("IF and VALUES propagate their parts' errors (godropbox swallowed them)", () => {
		expectError(
			() => ifExpr(eqL(table1.c("nope"), 1), col1, col2).toSQL(),
			Code.NO_SUCH_COLUMN,
			"No such column 'nope' in table 'table1'",
		);
		expectError(
			() => ifExpr(NIL, col1, col2).toSQL(),
			Code.NIL_ARGUMENT,
			"nil clause.  Generated sql: IF(",
		);
		expectError(
			() => columnValue(table1.c("nope")).toSQL(),
			Code.NO_SUCH_COLUMN,
			"No such column 'nope' in table 'table1'",
		);
	});

	it("join errors", () => {
		expectError(
			() => table1.innerJoinOn(undefined as never, NIL).toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil rhs.  Generated sql: ",
		);
		expectError(
			() => table1.innerJoinOn(table2, NIL).toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil onCondition.  Generated sql: ",
		);
	});

	it("union errors", () => {
		expectError(
			() => union().toSQL("db"),
			Code.UNION_EMPTY,
			"Union statement must have at least one SELECT",
		);
		expectError(
			() =>
				union(table1.select(col1).orderBy(col1), table1.select(col1)).toSQL(
					"db",
				),
			Code.UNION_ORDER_WITHOUT_LIMIT,
			"All inner selects in Union statement must have LIMIT if they have ORDER BY",
		);
		expectError(
			() =>
				union(table1.select(col1), table1.select(col1, col2) as never).toSQL(
					"bad db",
				),
			Code.UNION_COLUMN_COUNT,
			"All inner selects in Union statement must select the same number of columns.  For sanity, you probably want to select the same table columns in the same order.  If you are selecting on multiple tables, use Null to pad to the right number of fields.",
		);
		expect(union(table1.select(col1).where(eqL(col1, 1))).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`=1",
		);
		// Fixed: a one-select union keeps its own ORDER BY / LIMIT instead of dropping them.
		expect(
			union(table1.select(alias("v", col1)))
				.orderBy(alias("v", col1))
				.limit(2)
				.toSQL("db"),
		).toBe(
			"(SELECT (`table1`.`col1`) AS `v` FROM `db`.`table1`) ORDER BY `v` LIMIT 2",
		);
	});

	it("insert errors", () => {
		const ins = "INSERT INTO `db`.`table1`";
		expectError(
			() => table1.insert().add().toSQL("db"),
			Code.INSERT_NO_COLUMNS,
			`No column specified.  Generated sql: ${ins}`,
		);
		expectError(
			() =>
				table1
					.insert(col1, undefined as never)
					.add(1, 2 as never)
					.toSQL("db"),
			Code.NIL_ARGUMENT,
			`nil column in columns list.  Generated sql: ${ins} (\`table1\`.\`col1\`,`,
		);
		expectError(
			() => table1.insert(col1).toSQL("db"),
			Code.INSERT_NO_ROWS,
			`No row specified.  Generated sql: ${ins} (\`table1\`.\`col1\``,
		);
		expectError(
			() =>
				table1
					.insert(col1, col2)
					.add(...([1] as never as [number, number]))
					.toSQL("db"),
			Code.INSERT_VALUE_COUNT,
			`# of values does not match # of columns.  Generated sql: ${ins} (\`table1\`.\`col1\`,\`table1\`.\`col2\`) VALUES (`,
		);
		// undefined is a NULL literal in this port, so godropbox's `nil value in row` cannot happen.
		expect(table1.insert(col1).add(NILE).toSQL("db")).toBe(
			`${ins} (\`table1\`.\`col1\`) VALUES (null)`,
		);
		expectError(
			() =>
				table1
					.insert(col1)
					.add(1)
					.addOnDuplicateKeyUpdate(undefined as never, 1 as never)
					.toSQL("db"),
			Code.NIL_ARGUMENT,
			`nil column in on duplicate key update list.  Generated sql: ${ins} (\`table1\`.\`col1\`) VALUES (1) ON DUPLICATE KEY UPDATE `,
		);
		expect(
			table1
				.insert(col1)
				.add(1)
				.addOnDuplicateKeyUpdate(col2, NILE)
				.toSQL("db"),
		).toBe(
			`${ins} (\`table1\`.\`col1\`) VALUES (1) ON DUPLICATE KEY UPDATE \`table1\`.\`col2\`=null`,
		);
		expectError(
			() => table1.forceIndex("i").insert(col1).add(1).toSQL("db"),
			Code.UNSUPPORTED,
			"FORCE INDEX is not allowed in INSERT (MySQL rejects it there)",
		);
	});

	it("update, delete and lock errors", () => {
		expectError(
			() => table1.update().where(eqL(col1, 1)).toSQL("db"),
			Code.UPDATE_NO_COLUMNS,
			"No column updated.  Generated sql: UPDATE `db`.`table1`",
		);
		expectError(
			() => table1.update().set(col1, 1).toSQL("db"),
			Code.MISSING_WHERE,
			"Updating without a WHERE clause.  Generated sql: UPDATE `db`.`table1` SET `table1`.`col1`=1",
		);
		expectError(
			() =>
				table1
					.update()
					.set(undefined as never, 1 as never)
					.where(eqL(col1, 1))
					.toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil column.  Generated sql: UPDATE `db`.`table1` SET ",
		);
		expect(
			table1
				.update()
				.set(col1, 1)
				.set(col2, NILE)
				.where(eqL(col1, 1))
				.toSQL("db"),
		).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1, `table1`.`col2`=null WHERE `table1`.`col1`=1",
		);
		expectError(
			() =>
				table1
					.update()
					.set(table2.cols.col4 as never, 4 as never)
					.where(eqL(col1, 1))
					.toSQL("db"),
			Code.UPDATE_FOREIGN_COLUMN,
			"Column 'table2.col4' does not belong to table 'table1'",
		);
		expectError(
			() =>
				table1
					.update()
					.set(table1.c("nope"), 4)
					.where(eqL(col1, 1))
					.toSQL("db"),
			Code.NO_SUCH_COLUMN,
			"No such column 'nope' in table 'table1'",
		);
		expectError(
			() => table1.delete().toSQL("db"),
			Code.MISSING_WHERE,
			"Deleting without a WHERE clause.  Generated sql: DELETE FROM `db`.`table1`",
		);
		expectError(
			() => table1.forceIndex("i").delete().where(eqL(col1, 1)).toSQL("db"),
			Code.UNSUPPORTED,
			"FORCE INDEX is not allowed in DELETE (MySQL rejects it there)",
		);
		expectError(
			() => newLockStatement().toSQL("db"),
			Code.NO_LOCKS,
			"No locks added",
		);
		expectError(
			() =>
				newLockStatement()
					.addReadLock(table1)
					.addWriteLock(undefined as never)
					.toSQL("db"),
			Code.NIL_ARGUMENT,
			"nil table.  Generated sql: LOCK TABLES `db`.`table1` READ, ",
		);
		expectError(
			() => newLockStatement().addReadLock(table1.forceIndex("i")).toSQL("db"),
			Code.UNSUPPORTED,
			"FORCE INDEX is not allowed in LOCK TABLES (MySQL rejects it there)",
		);
		expect(
			table1
				.forceIndex("i")
				.update()
				.set(col1, 1)
				.where(eqL(col1, 1))
				.toSQL("db"),
		).toBe(
			"UPDATE `db`.`table1` FORCE INDEX (`i`) SET `table1`.`col1`=1 WHERE `table1`.`col1`=1",
		);
	});

	it("argument errors at the call", () => {
		expectError(
			() => table1.select(col1).limit(1.5),
			Code.INVALID_LIMIT,
			"limit must be an integer, got 1.5",
		);
		expectError(
			() => newGtidNextStatement(new Uint8Array(10), 1),
			Code.INVALID_GTID,
			"Invalid GTID SID: expected 16 bytes or a UUID string",
		);
		expectError(
			() => newGtidNextStatement(new Uint8Array(16), -1),
			Code.INVALID_GTID,
			"Invalid GTID gno: -1",
		);
		expect(gtL(col3, 1).toSQL()).toBe("`table1`.`col3`>1");
		expect(col4.name()).toBe("col4");
	});
});
