import type { Knex } from "knex";
import type { DatabaseKind } from "./database.js";
import { PROFILES_TABLE } from "./database.js";
import { type Profile, seedProfile } from "./profile.js";

interface Row {
	id: number;
	name: string;
	email: string;
	bio: string;
	updated_at: string;
}

const toRow = (p: Profile): Row => ({
	id: p.id,
	name: p.name,
	email: p.email,
	bio: p.bio,
	updated_at: p.updatedAt,
});

const fromRow = (r: Row): Profile => ({
	id: Number(r.id),
	name: r.name,
	email: r.email,
	bio: r.bio,
	updatedAt: r.updated_at,
});

/** Rows in the `profiles` table. */
export async function countProfiles(
	knex: Knex,
	_kind: DatabaseKind,
): Promise<number> {
	const rows = (await knex(PROFILES_TABLE).count({ n: "*" })) as {
		n: number | string;
	}[];
	return Number(rows[0]?.n ?? 0);
}

/**
 * Inserts profiles 1..count in one transaction, in multi-row INSERTs of `batch` rows (SQLite
 * allows 32,766 bound values per statement; 5 columns × 500 rows stays well under it).
 */
export async function seedProfiles(
	knex: Knex,
	_kind: DatabaseKind,
	count: number,
	batch = 500,
): Promise<void> {
	const updatedAt = new Date().toISOString();
	await knex.transaction(async (trx) => {
		for (let from = 1; from <= count; from += batch) {
			const rows: Row[] = [];
			for (let id = from; id < from + batch && id <= count; id++)
				rows.push(toRow(seedProfile(id, updatedAt)));
			await trx(PROFILES_TABLE).insert(rows);
		}
	});
}

/** Reads and writes of the `profiles` table, by id. */
export class ProfilesTable {
	readonly #knex: Knex;
	constructor(knex: Knex, _kind: DatabaseKind) {
		this.#knex = knex;
	}

	/** One slot per id, in order; undefined where there is no row. */
	async getMulti(ids: readonly number[]): Promise<(Profile | undefined)[]> {
		if (ids.length === 0) return [];
		const rows = (await this.#knex(PROFILES_TABLE)
			.select("id", "name", "email", "bio", "updated_at")
			.whereIn("id", [...new Set(ids)])) as Row[];
		const byId = new Map(rows.map((r) => [Number(r.id), fromRow(r)]));
		return ids.map((id) => byId.get(id));
	}

	/** Inserts or replaces the profiles. */
	async upsertMulti(profiles: readonly Profile[]): Promise<void> {
		if (profiles.length === 0) return;
		await this.#knex(PROFILES_TABLE)
			.insert(profiles.map(toRow))
			.onConflict("id")
			.merge();
	}

	/** Deletes the rows of these ids (missing ids are not an error). */
	async deleteMulti(ids: readonly number[]): Promise<void> {
		if (ids.length === 0) return;
		await this.#knex(PROFILES_TABLE)
			.whereIn("id", [...ids])
			.delete();
	}
}
