import { describe, expect, it } from "vitest";
import {
	eqL,
	gtL,
	intColumn,
	type KnexLike,
	knexDialect,
	NotNullable,
	newTable,
	SqlBuilderErrorCode,
} from "../../src/index.js";
import { normalizeValue } from "../../src/internal/normalize.js";
import { table1 } from "../fixtures/tables.js";

const { col1, col2 } = table1.cols;

describe("immutable builders", () => {
	it("modifiers return new statements and leave the original alone", () => {
		const base = table1.select(col1);
		const a = base.where(gtL(col1, 1));
		const b = base.andWhere(gtL(col1, 2)).limit(3);
		expect(base.toSQL("db")).toBe("SELECT `table1`.`col1` FROM `db`.`table1`");
		expect(a.toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>1",
		);
		expect(b.toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE `table1`.`col1`>2 LIMIT 3",
		);
		const c = a.copy();
		expect(c).not.toBe(a);
		expect(c.andWhere(eqL(col2, 5)).toSQL("db")).toBe(
			"SELECT `table1`.`col1` FROM `db`.`table1` WHERE (`table1`.`col1`>1 AND `table1`.`col2`=5)",
		);
		expect(a.toSQL("db")).toBe(c.toSQL("db"));
	});
	it("insert rows are copied, so mutating the caller's array changes nothing", () => {
		const row: [number, number] = [1, 2];
		const ins = table1.insert(col1, col2).add(...row);
		row[0] = 99;
		const more = ins.add(3, 4);
		expect(ins.toSQL("db")).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES (1,2)",
		);
		expect(more.toSQL("db")).toBe(
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES (1,2), (3,4)",
		);
		const up = table1.update().set(col1, 1);
		up.set(col2, 2);
		expect(up.where(eqL(col1, 1)).toSQL("db")).toBe(
			"UPDATE `db`.`table1` SET `table1`.`col1`=1 WHERE `table1`.`col1`=1",
		);
	});
	it("inserts that branch from one parent never see each other's rows", () => {
		const head =
			"INSERT INTO `db`.`table1` (`table1`.`col1`,`table1`.`col2`) VALUES ";
		const parent = table1.insert(col1, col2).add(1, 2);
		const a = parent.add(3, 4);
		const b = parent.add(5, 6); // same parent: must not overwrite a's row 2
		const a2 = a.addRows([
			[7, 8],
			[9, 10],
		]);
		const b2 = b.add(null, 11); // a null leaves the flat fast path
		const a3 = a.add(12, 13); // a second branch from a
		expect(parent.toSQL("db")).toBe(`${head}(1,2)`);
		expect(a.toSQL("db")).toBe(`${head}(1,2), (3,4)`);
		expect(b.toSQL("db")).toBe(`${head}(1,2), (5,6)`);
		expect(a2.toSQL("db")).toBe(`${head}(1,2), (3,4), (7,8), (9,10)`);
		expect(a3.toSQL("db")).toBe(`${head}(1,2), (3,4), (12,13)`);
		expect(b2.toSQL("db")).toBe(`${head}(1,2), (5,6), (null,11)`);
		expect(a2.toQuery("postgres").params).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);
		expect(b.toQuery("sqlite").params).toEqual([1, 2, 5, 6]);
		// A wrong value count (the types refuse it; godropbox reports it at render).
		const loose = parent as unknown as { add(...v: number[]): typeof parent };
		expect(() => loose.add(1).toSQL("db")).toThrow();
		expect(parent.add(20, 21).toSQL("db")).toBe(`${head}(1,2), (20,21)`);
	});
	it("a column definition can be shared by two tables", () => {
		const x = intColumn("x", NotNullable);
		const ta = newTable("ta", x);
		const tb = newTable("tb", x);
		expect(ta.select(ta.cols.x).toSQL("db")).toBe(
			"SELECT `ta`.`x` FROM `db`.`ta`",
		);
		expect(tb.select(tb.cols.x).toSQL("db")).toBe(
			"SELECT `tb`.`x` FROM `db`.`tb`",
		);
		expect(x.toSQL()).toBe("`x`");
	});
});

describe("result conversion", () => {
	it("keeps integers exact: number when safe, bigint beyond", () => {
		expect(normalizeValue("42", "int", "f")).toBe(42);
		expect(normalizeValue("9007199254740993", "int", "f")).toBe(
			9007199254740993n,
		);
		expect(normalizeValue(-9223372036854775808n, "int", "f")).toBe(
			-9223372036854775808n,
		);
		expect(normalizeValue(7n, "int", "f")).toBe(7);
		expect(() => normalizeValue(2 ** 60, "int", "f")).toThrow(
			expect.objectContaining({ code: SqlBuilderErrorCode.PRECISION_LOSS }),
		);
		expect(normalizeValue(1, "bool", "f")).toBe(true);
		expect(
			normalizeValue("2020-05-06 07:08:09.010000", "datetime", "f"),
		).toEqual(new Date(Date.UTC(2020, 4, 6, 7, 8, 9, 10)));
		expect(normalizeValue("2.5", "double", "f")).toBe(2.5);
		expect(normalizeValue(null, "int", "f")).toBe(null);
	});
	it("detects the dialect of a knex client", () => {
		const k = (driverName: string): KnexLike => ({
			raw: () => {
				throw new Error("unused");
			},
			client: { driverName },
		});
		expect(knexDialect(k("mysql2"))).toBe("mysql");
		expect(knexDialect(k("pg"))).toBe("postgres");
		expect(knexDialect(k("better-sqlite3"))).toBe("sqlite");
		expect(() => knexDialect(k("mssql"))).toThrow(
			expect.objectContaining({ code: SqlBuilderErrorCode.UNKNOWN_DIALECT }),
		);
	});
});
