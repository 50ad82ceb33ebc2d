import {
	createMysqlDatabase,
	type MemcachedCluster,
	startMemcached,
	type TempMysqlDatabase,
} from "@godropbox-ts/test-utils";
import knexFactory, { type Knex } from "knex";
import { afterAll, beforeAll } from "vitest";
import { createItemsTable } from "./sql-tables.js";

/** What {@link useMemcachedAndItemsDb} gives a suite (ready once its `beforeAll` ran). */
export interface MemcachedAndItemsDb {
	readonly cluster: MemcachedCluster;
	readonly knex: Knex;
	/** Run in `afterAll`, in order, before the database is dropped and memcached stops. */
	readonly closers: (() => Promise<void>)[];
}

/**
 * The servers of a memcached + MariaDB suite, for the enclosing `describe`: `memcached`
 * memcached processes and a temporary database `dbName` with the items table.
 */
export function useMemcachedAndItemsDb(
	memcached: number,
	dbName: string,
): MemcachedAndItemsDb {
	let cluster: MemcachedCluster | undefined;
	let dbase: TempMysqlDatabase | undefined;
	let knex: Knex | undefined;
	const closers: (() => Promise<void>)[] = [];
	beforeAll(async () => {
		cluster = await startMemcached({ count: memcached });
		dbase = await createMysqlDatabase(dbName);
		knex = knexFactory({
			client: "mysql2",
			connection: dbase.connection,
			pool: { min: 0, max: 8 },
		});
		await createItemsTable(knex);
	});
	afterAll(async () => {
		for (const c of closers) await c();
		await knex?.destroy();
		await dbase?.drop();
		await cluster?.stop();
	});
	return {
		get cluster() {
			return cluster as MemcachedCluster;
		},
		get knex() {
			return knex as Knex;
		},
		closers,
	};
}
