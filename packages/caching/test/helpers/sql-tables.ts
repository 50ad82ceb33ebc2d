import {
	intColumn,
	NotNullable,
	Nullable,
	newTable,
	strColumn,
	UTF8,
	UTF8Binary,
} from "@godropbox-ts/sqlbuilder";
import type { Knex } from "knex";
import { type SqlRow, SqlStorage } from "../../src/index.js";
import { type Item, keyOf } from "./items.js";

/** The conformance items as rows: `item_key` (primary key), `val`, `note`. */
export const itemsTable = newTable(
	"cache_items",
	strColumn("item_key", UTF8, UTF8Binary, NotNullable),
	intColumn("val", NotNullable),
	strColumn("note", UTF8, UTF8Binary, Nullable),
);

export async function createItemsTable(knex: Knex): Promise<void> {
	await knex.schema.dropTableIfExists("cache_items");
	await knex.schema.createTable("cache_items", (t) => {
		t.string("item_key", 191).primary();
		t.integer("val").notNullable();
		t.text("note").nullable();
	});
}

export function itemsStorage(knex: Knex): SqlStorage<string, Item> {
	return new SqlStorage<string, Item>({
		knex,
		table: itemsTable,
		keyColumn: itemsTable.cols.item_key,
		keyOf,
		toRow: (it) => ({ item_key: it.key, val: it.val, note: it.note ?? null }),
		fromRow: (row: SqlRow): Item => {
			const it: Item = { key: row.item_key as string, val: Number(row.val) };
			if (row.note !== null && row.note !== undefined)
				it.note = row.note as string;
			return it;
		},
	});
}
