import { expect } from "vitest";
import { ResponseStatus } from "../../src/status.js";
import type {
	CountResponse,
	GetResponse,
	MutateResponse,
	Response,
} from "../../src/types.js";
import { type Json, vectorValue } from "./vectors.js";

/** godropbox reports status 0 for client-side errors; we report ResponseStatus.ClientError. */
export function expectedStatus(exp: Json): number {
	return exp.error !== null && exp.status === 0
		? ResponseStatus.ClientError
		: exp.status;
}

export function expectBase(r: Response, exp: Json): void {
	expect(r.status).toBe(expectedStatus(exp));
	if (exp.error === null) expect(r.error).toBeUndefined();
	else expect(r.error).toBeInstanceOf(Error);
}

export function expectGet(r: GetResponse, exp: Json): void {
	expectBase(r, exp);
	expect(r.key).toBe(exp.key);
	const value = vectorValue(exp);
	if (value === undefined) expect(r.value).toBeUndefined();
	else expect(Buffer.from(r.value as Buffer).equals(value)).toBe(true);
	expect(r.flags).toBe(exp.flags);
	expect(r.dataVersionId).toBe(BigInt(exp.cas));
}

export function expectMutate(r: MutateResponse, exp: Json): void {
	expectBase(r, exp);
	expect(r.key).toBe(exp.key);
	expect(r.dataVersionId).toBe(BigInt(exp.cas));
}

export function expectCount(r: CountResponse, exp: Json): void {
	expectBase(r, exp);
	expect(r.key).toBe(exp.key);
	expect(r.count).toBe(BigInt(exp.count));
}
