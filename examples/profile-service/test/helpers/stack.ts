import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Knex } from "knex";
import {
	databaseTarget,
	ensureSchema,
	openDatabase,
} from "../../src/database.js";
import { seedProfiles } from "../../src/profiles-table.js";
import { createStack } from "../../src/stack.js";
import type { Stack } from "../../src/stack-types.js";

/** A stack over a fresh SQLite file in a temp directory, seeded with `profiles` rows. */
export interface TestStack {
	readonly stack: Stack;
	readonly knex: Knex;
	readonly dataDir: string;
	close(): Promise<void>;
}

export async function openTestStack(
	servers: readonly string[] | undefined,
	profiles: number,
): Promise<TestStack> {
	const dataDir = fs.mkdtempSync(
		path.join(os.tmpdir(), "profile-service-test-"),
	);
	const target = databaseTarget(undefined, dataDir);
	const knex = openDatabase(target);
	await ensureSchema(knex);
	await seedProfiles(knex, profiles);
	const stack = await createStack({
		knex,
		database: target,
		memcacheServers: servers,
	});
	return {
		stack,
		knex,
		dataDir,
		close: async () => {
			await stack.close();
			await knex.destroy();
			fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};
}
