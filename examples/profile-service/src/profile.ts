import { InvalidInputError } from "./errors.js";

/** One user profile: the row of the `profiles` table and the cached item. */
export interface Profile {
	readonly id: number;
	readonly name: string;
	readonly email: string;
	readonly bio: string;
	/** ISO-8601 time of the last write. */
	readonly updatedAt: string;
}

/** The fields a client may write with `PUT /profiles/:id`. */
export interface ProfileInput {
	readonly name: string;
	readonly email: string;
	readonly bio: string;
}

/** Largest id accepted (a signed 32-bit INT column on every database). */
export const MAX_PROFILE_ID = 2_147_483_647;
/** Most ids in one `GET /profiles?ids=…`. */
export const MAX_IDS_PER_REQUEST = 100;

const FIRST = [
	"Ada",
	"Alan",
	"Barbara",
	"Brian",
	"Dennis",
	"Donald",
	"Edsger",
	"Frances",
	"Grace",
	"Guido",
	"Hedy",
	"Ivan",
	"Jean",
	"John",
	"Ken",
	"Leslie",
	"Linus",
	"Margaret",
	"Niklaus",
	"Radia",
	"Rob",
	"Sophie",
	"Tim",
	"Yukihiro",
];
const LAST = [
	"Lovelace",
	"Turing",
	"Liskov",
	"Kernighan",
	"Ritchie",
	"Knuth",
	"Dijkstra",
	"Allen",
	"Hopper",
	"Rossum",
	"Lamarr",
	"Sutherland",
	"Sammet",
	"McCarthy",
	"Thompson",
	"Lamport",
	"Torvalds",
	"Hamilton",
	"Wirth",
	"Perlman",
	"Pike",
	"Wilson",
	"Berners-Lee",
	"Matsumoto",
];
const TOPICS = [
	"distributed systems",
	"compilers",
	"databases",
	"caching",
	"type systems",
	"networking",
	"operating systems",
	"consensus",
	"storage engines",
	"hashing",
];

/** The deterministic seed row for `id` (same data on every machine and every run). */
export function seedProfile(id: number, updatedAt: string): Profile {
	const first = FIRST[id % FIRST.length] as string;
	const last = LAST[Math.floor(id / FIRST.length) % LAST.length] as string;
	const topic = TOPICS[id % TOPICS.length] as string;
	return {
		id,
		name: `${first} ${last}`,
		email: `${first}.${last}.${id}@example.com`.toLowerCase(),
		bio: `Profile #${id}: works on ${topic}.`,
		updatedAt,
	};
}

/**
 * Parses a path or query id: decimal digits only, 1..{@link MAX_PROFILE_ID}.
 *
 * @throws {@link InvalidInputError}
 */
export function parseProfileId(raw: string): number {
	if (!/^[0-9]{1,10}$/.test(raw))
		throw new InvalidInputError(
			`profile id must be a positive whole number, got '${raw.slice(0, 40)}'`,
		);
	const id = Number(raw);
	if (id < 1 || id > MAX_PROFILE_ID)
		throw new InvalidInputError(
			`profile id must be between 1 and ${MAX_PROFILE_ID}, got ${raw}`,
		);
	return id;
}

/**
 * Parses the `ids` query parameter: comma-separated ids, at most {@link MAX_IDS_PER_REQUEST}.
 * Duplicates are kept once, in first-seen order.
 *
 * @throws {@link InvalidInputError}
 */
export function parseIdList(raw: string | null): number[] {
	if (raw === null || raw.trim() === "")
		throw new InvalidInputError(
			"query parameter 'ids' is required, e.g. /profiles?ids=1,2,3",
		);
	const parts = raw.split(",");
	if (parts.length > MAX_IDS_PER_REQUEST)
		throw new InvalidInputError(
			`at most ${MAX_IDS_PER_REQUEST} ids per request, got ${parts.length}`,
		);
	return [...new Set(parts.map((p) => parseProfileId(p.trim())))];
}

const LIMITS = { name: 100, email: 254, bio: 1000 } as const;

/**
 * Validates the JSON body of `PUT /profiles/:id`.
 *
 * @throws {@link InvalidInputError} naming the field and the rule it broke
 */
export function parseProfileInput(body: unknown): ProfileInput {
	if (typeof body !== "object" || body === null || Array.isArray(body))
		throw new InvalidInputError(
			'body must be a JSON object like {"name":"Ada","email":"ada@example.com","bio":"…"}',
		);
	const record = body as Record<string, unknown>;
	for (const key of Object.keys(record)) {
		if (!(key in LIMITS))
			throw new InvalidInputError(
				`unknown field '${key.slice(0, 40)}'; allowed: name, email, bio`,
			);
	}
	const text = (field: keyof typeof LIMITS, required: boolean): string => {
		const v = record[field];
		if (v === undefined && !required) return "";
		if (typeof v !== "string")
			throw new InvalidInputError(`field '${field}' must be a string`);
		if (required && v.trim() === "")
			throw new InvalidInputError(`field '${field}' must not be empty`);
		if (v.length > LIMITS[field])
			throw new InvalidInputError(
				`field '${field}' is ${v.length} characters long; the limit is ${LIMITS[field]}`,
			);
		return v;
	};
	const name = text("name", true);
	const email = text("email", true);
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
		throw new InvalidInputError(
			`field 'email' must look like user@example.com, got '${email.slice(0, 60)}'`,
		);
	return { name, email, bio: text("bio", false) };
}

/** Whether two profiles hold the same data (the consistency check's notion of equal). */
export function sameProfile(a: Profile, b: Profile): boolean {
	return (
		a.id === b.id &&
		a.name === b.name &&
		a.email === b.email &&
		a.bio === b.bio &&
		a.updatedAt === b.updatedAt
	);
}
