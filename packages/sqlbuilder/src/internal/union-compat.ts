import type { BoolExpression, Expression } from "../expression.js";
import { UnionStatement } from "../statements/union.js";

/**
 * godropbox's union-level WHERE / GROUP BY. MySQL rejects both (syntax error), so the public
 * API does not offer them; this exists only to reproduce godropbox's test vector.
 */
export function unionWithGodropboxClauses<R>(
	u: UnionStatement<R>,
	clauses: {
		where?: BoolExpression | undefined;
		groupBy?: readonly Expression[] | undefined;
	},
): UnionStatement<R> {
	return new UnionStatement<R>({
		...u.props,
		where: clauses.where,
		groupBy: clauses.groupBy,
	});
}
