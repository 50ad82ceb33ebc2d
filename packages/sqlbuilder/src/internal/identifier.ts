/** godropbox: database/sqlbuilder/types.go `validIdentifierName`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` can be written between quotes with no escaping at all. */
export function isValidIdentifier(name: unknown): name is string {
	return typeof name === "string" && IDENTIFIER.test(name);
}

/** godropbox: statement.go `validCommentRegexp`. */
const COMMENT = /^[A-Za-z0-9_ .?]*$/;

export function isValidComment(text: string): boolean {
	return COMMENT.test(text);
}
