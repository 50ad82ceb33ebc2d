import {
	type AnyColumn,
	columnValue,
	type Dialect,
	execute,
	inList,
	knexDialect,
	type Table,
} from "@godropbox-ts/sqlbuilder";
import type { Knex } from "knex";
import { BackendError, InvalidOptionError } from "./errors.js";
import {
	defaultKeyToString,
	type KeyOfFunc,
	type ToStringFunc,
} from "./keys.js";
import type { OperationOptions, SetOptions, Storage } from "./storage.js";

/** A table made by sqlbuilder's `newTable` (any columns). */
export type SqlTable = Pick<Table, "name" | "columns">;

/** A row as read back: column name → value as the driver returns it. */
export type SqlRow = Record<string, unknown>;

/** Options of {@link SqlStorage}. */
export interface SqlStorageOptions<K, V> {
	/** Name in errors. @defaultValue "sql" */
	readonly name?: string | undefined;
	/** Your knex instance; never destroyed by the storage. */
	readonly knex: Knex;
	/** The SQL dialect (`"mysql"` also covers MariaDB). @defaultValue detected from the knex client */
	readonly dialect?: Dialect | undefined;
	/** The table, defined with sqlbuilder's `newTable`. */
	readonly table: SqlTable;
	/** The primary (or unique) key column of `table`. */
	readonly keyColumn: AnyColumn;
	/** Derives an item's key. */
	readonly keyOf: KeyOfFunc<K, V>;
	/** Identity of keys, to match rows to requested keys. @defaultValue {@link defaultKeyToString} */
	readonly keyToString?: ToStringFunc<K> | undefined;
	/** The item's values by column name; every column of `table` must be present. */
	readonly toRow: (item: V) => Readonly<Record<string, unknown>>;
	/** Builds an item from a row read back (values as the driver returns them). */
	readonly fromRow: (row: SqlRow) => V;
	/** Largest number of keys or rows in one statement; bigger batches are split. @defaultValue 1000 */
	readonly maxBatch?: number | undefined;
}

/**
 * A storage over rows of a SQL table (MariaDB/MySQL, PostgreSQL, SQLite), with statements built
 * by `@godropbox-ts/sqlbuilder` and run through knex. `getMulti` is one `SELECT … WHERE key IN
 * (…)`, `setMulti` one multi-row upsert, `deleteMulti` one `DELETE … WHERE key IN (…)` (split
 * beyond `maxBatch`). Rows never expire: `ttl` is ignored. `flush()` deletes every row of the table.
 */
export class SqlStorage<K, V> implements Storage<K, V> {
	readonly name: string;
	readonly #o: SqlStorageOptions<K, V>;
	readonly #table: Table;
	readonly #ks: ToStringFunc<K>;
	readonly #columns: AnyColumn[];
	readonly #keyName: string;
	readonly #max: number;
	readonly #exec: { readonly dialect: Dialect };

	/** @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options. */
	constructor(options: SqlStorageOptions<K, V>) {
		for (const f of ["keyOf", "toRow", "fromRow"] as const)
			if (typeof options?.[f] !== "function")
				throw new InvalidOptionError(f, `${f} must be a function`);
		const dialect = options.dialect ?? knexDialect(options.knex);
		if (!["mysql", "postgres", "sqlite"].includes(dialect))
			throw new InvalidOptionError(
				"dialect",
				`dialect must be "mysql", "postgres" or "sqlite", got ${String(dialect)}`,
			);
		const columns = options.table.columns();
		const keyName = options.keyColumn.name();
		if (!columns.some((c) => c.name() === keyName))
			throw new InvalidOptionError(
				"keyColumn",
				`keyColumn '${keyName}' is not a column of table '${options.table.name()}'`,
			);
		const max = options.maxBatch ?? 1000;
		if (!Number.isInteger(max) || max < 1)
			throw new InvalidOptionError(
				"maxBatch",
				`maxBatch must be an integer ≥ 1, got ${String(max)}`,
			);
		this.name = options.name ?? "sql";
		this.#o = options;
		this.#table = options.table as unknown as Table;
		this.#ks = options.keyToString ?? defaultKeyToString;
		this.#columns = columns;
		this.#keyName = keyName;
		this.#max = max;
		this.#exec = { dialect };
	}

	/** The dialect statements are rendered for. */
	get dialect(): Dialect {
		return this.#exec.dialect;
	}

	async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (err) {
			throw new BackendError(
				"sql",
				`'${this.name}' ${op} failed: ${err instanceof Error ? err.message : String(err)}`,
				err,
			);
		}
	}

	#chunks<T>(xs: readonly T[]): T[][] {
		const out: T[][] = [];
		for (let i = 0; i < xs.length; i += this.#max)
			out.push(xs.slice(i, i + this.#max));
		return out;
	}

	async get(key: K, options?: OperationOptions): Promise<V | undefined> {
		return (await this.getMulti([key], options))[0];
	}

	async getMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		if (keys.length === 0) return [];
		const byKey = new Map<string, V>();
		const distinct = [...new Map(keys.map((k) => [this.#ks(k), k])).values()];
		const { keyColumn } = this.#o;
		const table = this.#table;
		for (const chunk of this.#chunks(distinct)) {
			const stmt = table
				.select(...(table.projections() as AnyColumn[]))
				.where(inList(keyColumn as AnyColumn, chunk as unknown as never[]));
			const rows = (await this.#run("getMulti", () =>
				execute(stmt, this.#o.knex, this.#exec),
			)) as SqlRow[];
			for (const row of rows)
				byKey.set(this.#ks(row[this.#keyName] as K), this.#o.fromRow(row));
		}
		return keys.map((k) => byKey.get(this.#ks(k)));
	}

	async set(item: V, options?: SetOptions): Promise<void> {
		await this.setMulti([item], options);
	}

	async setMulti(items: readonly V[], _options?: SetOptions): Promise<void> {
		if (items.length === 0) return;
		// One statement may not touch a row twice (PostgreSQL refuses): the last item wins.
		const last = new Map<string, V>();
		for (const it of items) {
			const ks = this.#ks(this.#o.keyOf(it));
			last.delete(ks);
			last.set(ks, it);
		}
		const { keyColumn } = this.#o;
		const table = this.#table;
		for (const chunk of this.#chunks([...last.values()])) {
			let stmt = table.insert(...this.#columns);
			stmt = stmt.addRows(
				chunk.map((it) => {
					const row = this.#o.toRow(it);
					return this.#columns.map((c) => {
						const v = row[c.name()];
						if (v === undefined)
							throw new InvalidOptionError(
								"toRow",
								`toRow gave no value for column '${c.name()}'`,
							);
						return v;
					}) as never;
				}),
			);
			for (const c of this.#columns)
				if (c.name() !== this.#keyName)
					stmt = stmt.addOnDuplicateKeyUpdate(c, columnValue(c) as never);
			// A key-only table has nothing to update: an existing row already is the item.
			stmt =
				this.#columns.length === 1
					? stmt.ignoreDuplicates(true)
					: stmt.onConflict(keyColumn as AnyColumn);
			const s = stmt;
			await this.#run("setMulti", () => execute(s, this.#o.knex, this.#exec));
		}
	}

	async delete(key: K, options?: OperationOptions): Promise<void> {
		await this.deleteMulti([key], options);
	}

	async deleteMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<void> {
		if (keys.length === 0) return;
		const { keyColumn } = this.#o;
		const table = this.#table;
		for (const chunk of this.#chunks(keys)) {
			const stmt = table
				.delete()
				.where(inList(keyColumn as AnyColumn, chunk as unknown as never[]));
			await this.#run("deleteMulti", () =>
				execute(stmt, this.#o.knex, this.#exec),
			);
		}
	}

	/** Deletes every row of the table. */
	async flush(_options?: OperationOptions): Promise<void> {
		await this.#run("flush", async () => {
			await this.#o.knex(this.#o.table.name()).del();
		});
	}
}
