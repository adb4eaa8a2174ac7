import { Type, type TSchema } from 'typebox';

/** Every error body: a stable code for programs and a message for people. */
export const ErrorBody = Type.Object(
  {
    code: Type.String({ examples: ['VALIDATION_FAILED'] }),
    message: Type.String(),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Specifics for some codes, e.g. VAULT_BUSY holders',
      }),
    ),
  },
  { $id: 'ErrorBody', additionalProperties: false },
);

export const RoleSchema = Type.Union(
  [Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')],
  {
    description: 'viewer < editor < admin',
  },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Too large',
  422: 'The source could not be used (see code)',
  423: 'Locked',
  429: 'Too many attempts (see Retry-After)',
  503: 'Not available yet',
  500: 'Internal error (details in the server log)',
};

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const all = [400, 401, 403, 500, ...statuses];
  return Object.fromEntries(
    [...new Set(all)].map((status) => [
      status,
      Type.Ref('ErrorBody', { description: ERROR_DESCRIPTIONS[status] ?? 'Error' }),
    ]),
  );
}

export const NoContent = Type.Null({ description: 'No content' });

/** `null` or `schema`. Null first: fastify's validator coerces types, and a string branch tried first would turn
 * null into "". */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/**
 * An integer or `null` as one JSON-schema type list. Not `Nullable(Type.Integer())`: with coercion on, a number
 * that fails the integer branch (0 below a minimum of 1) would be coerced into the null branch and accepted.
 */
export const NullableInteger = (options: { minimum: number; maximum: number; description: string }) =>
  Type.Unsafe<number | null>({ type: ['integer', 'null'], ...options });
