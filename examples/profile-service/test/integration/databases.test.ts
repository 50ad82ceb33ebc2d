import {
	createMysqlDatabase,
	createPostgresSchema,
	requireServers,
	type TempMysqlDatabase,
	type TempPostgresSchema,
} from "@godropbox-ts/test-utils";
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type DatabaseTarget,
	databaseTarget,
	ensureSchema,
	openDatabase,
} from "../../src/database.js";
import { SchemaMismatchError } from "../../src/errors.js";
import { seedProfile } from "../../src/profile.js";
import {
	countProfiles,
	profilesStorage,
	seedProfiles,
} from "../../src/profiles-table.js";

const mysqlOk = await requireServers("mysql");
const pgOk = await requireServers("postgres");

function roundTrip(
	name: string,
	setup: () => Promise<{ url: string; drop(): Promise<void> }>,
	enabled: boolean,
) {
	describe.skipIf(!enabled)(`profiles table on ${name}`, () => {
		let temp: { url: string; drop(): Promise<void> };
		let target: DatabaseTarget;
		let knex: Knex;
		beforeAll(async () => {
			temp = await setup();
			target = databaseTarget(temp.url, "/unused");
			knex = openDatabase(target);
		});
		afterAll(async () => {
			await knex?.destroy();
			await temp?.drop();
		});

		it("creates the table, seeds it in one transaction, reads, upserts and deletes by id", async () => {
			expect(await ensureSchema(knex)).toBe(true);
			expect(await ensureSchema(knex)).toBe(false);
			await seedProfiles(knex, 3000);
			expect(await countProfiles(knex)).toBe(3000);
			const table = profilesStorage(knex);
			const [a, missing, b] = await table.getMulti([5, 999_999, 2999]);
			expect(a).toEqual(seedProfile(5, (a as { updatedAt: string }).updatedAt));
			expect(missing).toBeUndefined();
			expect(b?.id).toBe(2999);
			const changed = {
				...seedProfile(5, "2026-12-01T00:00:00.000Z"),
				bio: 'O\'Brien \\ "quoted" ✓',
			};
			await table.setMulti([
				changed,
				seedProfile(4000, "2026-12-01T00:00:00.000Z"),
			]);
			expect(await table.getMulti([5, 4000])).toEqual([
				changed,
				seedProfile(4000, "2026-12-01T00:00:00.000Z"),
			]);
			await table.deleteMulti([5, 4000, 123_456]);
			expect(await table.getMulti([5, 4000])).toEqual([undefined, undefined]);
			expect(await countProfiles(knex)).toBe(2999);
		});

		it("refuses an existing profiles table without the needed columns, and leaves it alone", async () => {
			await knex.schema.renameTable("profiles", "profiles_kept");
			try {
				await knex.schema.createTable("profiles", (t) => {
					t.integer("id");
					t.string("name", 10);
				});
				await expect(ensureSchema(knex)).rejects.toThrow(SchemaMismatchError);
				await expect(ensureSchema(knex)).rejects.toThrow(
					/lacks column\(s\) email, bio, updated_at/,
				);
				expect(await knex.schema.hasTable("profiles")).toBe(true);
			} finally {
				await knex.schema.dropTableIfExists("profiles");
				await knex.schema.renameTable("profiles_kept", "profiles");
			}
		});
	});
}

roundTrip(
	"MariaDB",
	async (): Promise<TempMysqlDatabase> => createMysqlDatabase("ps"),
	mysqlOk,
);
roundTrip(
	"PostgreSQL",
	async () => {
		const s: TempPostgresSchema = await createPostgresSchema("ps");
		const url = new URL(s.url);
		url.searchParams.set("options", `-c search_path=${s.schema}`);
		return { url: url.toString(), drop: () => s.drop() };
	},
	pgOk,
);
