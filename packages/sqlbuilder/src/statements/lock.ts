import { SqlBuilderErrorCode as Code, SqlBuilderError } from "../errors.js";
import type { QueryCompiler } from "../internal/compiler.js";
import { hex } from "../internal/literal.js";
import { Statement } from "./statement.js";

interface LockEntry {
	readonly table: object;
	readonly write: boolean;
}

/** `LOCK TABLES t READ, u WRITE` — MySQL only (godropbox: `LockStatement`). Immutable. */
export class LockStatement extends Statement {
	readonly #locks: readonly LockEntry[];

	/** @internal Use {@link newLockStatement}. */
	constructor(locks: readonly LockEntry[]) {
		super();
		this.#locks = locks;
	}

	/** Adds `<table> READ` (godropbox: `AddReadLock`). */
	addReadLock(table: object): LockStatement {
		return new LockStatement([...this.#locks, { table, write: false }]);
	}

	/** Adds `<table> WRITE` (godropbox: `AddWriteLock`). */
	addWriteLock(table: object): LockStatement {
		return new LockStatement([...this.#locks, { table, write: true }]);
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		c.checkDatabase();
		if (c.dialect !== "mysql") c.unsupported("LOCK TABLES");
		if (this.#locks.length === 0) c.failPlain(Code.NO_LOCKS, "No locks added");
		c.sql += "LOCK TABLES ";
		for (let i = 0; i < this.#locks.length; i++) {
			if (i > 0) c.sql += ", ";
			const l = this.#locks[i] as LockEntry;
			c.tableExpression(l.table, "LOCK TABLES");
			c.sql += l.write ? " WRITE" : " READ";
		}
	}
}

/** An empty LOCK TABLES statement (godropbox: `NewLockStatement`). */
export function newLockStatement(): LockStatement {
	return new LockStatement([]);
}

/** `UNLOCK TABLES` — MySQL only; the database argument is ignored (godropbox: `UnlockStatement`). */
export class UnlockStatement extends Statement {
	/** @internal */
	compile(c: QueryCompiler): void {
		if (c.dialect !== "mysql") c.unsupported("UNLOCK TABLES");
		c.sql += "UNLOCK TABLES";
	}
}

/** godropbox: `NewUnlockStatement`. */
export function newUnlockStatement(): UnlockStatement {
	return new UnlockStatement();
}

/** `SET GTID_NEXT="<uuid>:<gno>"` — MySQL only (godropbox: `GtidNextStatement`). */
export class GtidNextStatement extends Statement {
	readonly #sid: string;
	readonly #gno: bigint;

	/** @internal Use {@link newGtidNextStatement}. */
	constructor(sid: string, gno: bigint) {
		super();
		this.#sid = sid;
		this.#gno = gno;
	}

	/** @internal */
	compile(c: QueryCompiler): void {
		if (c.dialect !== "mysql") c.unsupported("SET GTID_NEXT");
		c.sql += `SET GTID_NEXT="${this.#sid}:${this.#gno}"`;
	}
}

const UUID =
	/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `SET GTID_NEXT` (godropbox: `NewGtidNextStatement(sid []byte, gno uint64)`). The SID is 16
 * bytes or a UUID string; gno is 0 … 2^64−1.
 * @throws {@link SqlBuilderError} `ERR_SQLBUILDER_INVALID_GTID`
 */
export function newGtidNextStatement(
	sid: Uint8Array | string,
	gno: bigint | number,
): GtidNextStatement {
	let text: string;
	if (typeof sid === "string") {
		if (!UUID.test(sid))
			throw new SqlBuilderError(Code.INVALID_GTID, `Invalid GTID SID: ${sid}`);
		text = sid.toLowerCase();
	} else if (sid instanceof Uint8Array && sid.length === 16) {
		const h = hex(sid);
		text = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	} else {
		throw new SqlBuilderError(
			Code.INVALID_GTID,
			"Invalid GTID SID: expected 16 bytes or a UUID string",
		);
	}
	const g =
		typeof gno === "bigint"
			? gno
			: Number.isSafeInteger(gno)
				? BigInt(gno)
				: -1n;
	if (g < 0n || g > 2n ** 64n - 1n)
		throw new SqlBuilderError(
			Code.INVALID_GTID,
			`Invalid GTID gno: ${String(gno)}`,
		);
	return new GtidNextStatement(text, g);
}

/** godropbox's own spelling, `NewGtidNextStatment`: the same function. */
export const newGtidNextStatment = newGtidNextStatement;
