import { SqlStorage } from "@godropbox-ts/caching";
import {
	alias,
	count,
	execute,
	intColumn,
	NotNullable,
	newTable,
	strColumn,
	UTF8,
	UTF8Binary,
} from "@godropbox-ts/sqlbuilder";
import type { Knex } from "knex";
import { PROFILES_TABLE } from "./database.js";
import { type Profile, seedProfile } from "./profile.js";

/**
 * The `profiles` table, defined with sqlbuilder. The DDL that creates it is in
 * `database.ts` (sqlbuilder renders DML only); statements are executed through knex.
 */
export const profiles = newTable(
	PROFILES_TABLE,
	intColumn("id", NotNullable),
	strColumn("name", UTF8, UTF8Binary, NotNullable),
	strColumn("email", UTF8, UTF8Binary, NotNullable),
	strColumn("bio", UTF8, UTF8Binary, NotNullable),
	strColumn("updated_at", UTF8, UTF8Binary, NotNullable),
);

/** A profile as the row values by column name (what `SqlStorage` writes). */
export function profileToRow(p: Profile): Record<string, unknown> {
	return {
		id: p.id,
		name: p.name,
		email: p.email,
		bio: p.bio,
		updated_at: p.updatedAt,
	};
}

/** A profile from a row as the driver returns it. */
export function profileFromRow(r: Readonly<Record<string, unknown>>): Profile {
	return {
		id: Number(r.id),
		name: String(r.name),
		email: String(r.email),
		bio: String(r.bio),
		updatedAt: String(r.updated_at),
	};
}

/** Rows in the `profiles` table (`SELECT COUNT(*)`). */
export async function countProfiles(knex: Knex): Promise<number> {
	const rows = await execute(profiles.select(alias("n", count())), knex);
	return Number(rows[0]?.n ?? 0);
}

/**
 * Inserts profiles 1..count in one transaction, as multi-row INSERTs of `batch` rows (SQLite
 * allows 32,766 bound values per statement; 5 columns × 500 rows stays well under it).
 * 100,000 rows take about a second on SQLite.
 */
export async function seedProfiles(
	knex: Knex,
	total: number,
	batch = 500,
): Promise<void> {
	const updatedAt = new Date().toISOString();
	const { id, name, email, bio, updated_at } = profiles.cols;
	await knex.transaction(async (trx) => {
		for (let from = 1; from <= total; from += batch) {
			let stmt = profiles.insert(id, name, email, bio, updated_at);
			for (let i = from; i < from + batch && i <= total; i++) {
				const p = seedProfile(i, updatedAt);
				stmt = stmt.add(p.id, p.name, p.email, p.bio, p.updatedAt);
			}
			await execute(stmt, trx);
		}
	});
}

/** The `profiles` table as a caching `SqlStorage` keyed by profile id. */
export function profilesStorage(knex: Knex): SqlStorage<number, Profile> {
	return new SqlStorage<number, Profile>({
		name: "profiles-sql",
		knex,
		table: profiles,
		keyColumn: profiles.cols.id,
		keyOf: (p) => p.id,
		toRow: profileToRow,
		fromRow: profileFromRow,
	});
}
