import type { Knex } from "knex";
import { describe, expectTypeOf, it } from "vitest";
import {
	alias,
	boolColumn,
	bytesColumn,
	type Column,
	count,
	dateTimeColumn,
	doubleColumn,
	eq,
	eqL,
	execute,
	gtL,
	inList,
	intColumn,
	literal,
	NotNullable,
	Nullable,
	newTable,
	sqlFunc,
	strColumn,
	UTF8,
	UTF8Binary,
	type WriteResult,
} from "../../src/index.js";

const users = newTable(
	"users",
	intColumn("id", NotNullable),
	strColumn("name", UTF8, UTF8Binary, NotNullable),
	doubleColumn("score", Nullable),
	boolColumn("active", NotNullable),
	bytesColumn("avatar", Nullable),
	dateTimeColumn("created", Nullable),
);
const other = newTable("other", intColumn("id", NotNullable));
const { id, name, score, active, avatar, created } = users.cols;

describe("inferred types", () => {
	it("columns carry name, value type, nullability and table", () => {
		expectTypeOf(id).toEqualTypeOf<
			Column<"id", number | bigint, false, "users">
		>();
		expectTypeOf(score).toEqualTypeOf<Column<"score", number, true, "users">>();
		expectTypeOf(users.c("name")).toEqualTypeOf<
			Column<"name", string, false, "users">
		>();
		expectTypeOf(users.name()).toEqualTypeOf<"users">();
	});

	it("select yields the inferred row", () => {
		const q = users.select(
			id,
			name,
			score,
			active,
			avatar,
			created,
			alias("n", count()),
		);
		type Row = (typeof q)["~row"];
		expectTypeOf<Row>().toEqualTypeOf<{
			id: number | bigint;
			name: string;
			score: number | null;
			active: boolean;
			avatar: Uint8Array | null;
			created: Date | null;
			n: number | bigint | null;
		}>();
		const db = {} as Knex;
		expectTypeOf(execute(q, db)).toEqualTypeOf<Promise<Row[]>>();
		expectTypeOf(execute(users.delete().where(eqL(id, 1)), db)).toEqualTypeOf<
			Promise<WriteResult>
		>();
	});

	it("comparisons check value types", () => {
		eqL(id, 1);
		eqL(id, 1n);
		eqL(score, null);
		eqL(name, "x");
		inList(id, [1, 2n]);
		eq(id, literal(2));
		eq(name, sqlFunc<string>("LOWER", name));
		// @ts-expect-error an int column compared with a string
		eqL(id, "1");
		// @ts-expect-error a string column compared with a number
		gtL(name, 3);
		// @ts-expect-error IN list of the wrong type
		inList(id, ["a"]);
		// @ts-expect-error int column against a string column
		eq(id, name);
		// @ts-expect-error a bool column is not a condition
		users.select(id).where(active);
	});

	it("insert rows are checked against the column list", () => {
		users.insert(id, name, score).add(1, "a", null);
		users.insert(id, name).add(1, sqlFunc<string>("UUID"));
		// @ts-expect-error wrong type for name
		users.insert(id, name).add(1, 2);
		// @ts-expect-error missing value
		users.insert(id, name).add(1);
		// @ts-expect-error null into a NOT NULL column
		users.insert(id, name).add(1, null);
		// @ts-expect-error a column of another table
		users.insert(other.cols.id);
	});

	it("update targets and values are checked", () => {
		users.update().set(name, "x").set(score, null).where(eqL(id, 1));
		// @ts-expect-error wrong value type
		users.update().set(name, 1);
		// @ts-expect-error a column of another table
		users.update().set(other.cols.id, 1);
	});

	it("upsert values are checked", () => {
		users.insert(id, name).add(1, "a").addOnDuplicateKeyUpdate(name, "b");
		// @ts-expect-error wrong value type
		users.insert(id, name).add(1, "a").addOnDuplicateKeyUpdate(name, 2);
	});
});
