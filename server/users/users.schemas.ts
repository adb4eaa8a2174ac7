import { Type } from 'typebox';
import { PASSWORD_MAX_LENGTH, USERNAME_PATTERN } from '../auth/password-policy.js';
import { RoleSchema } from '../http/schemas.js';

export const UserSchema = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    role: RoleSchema,
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const MeSchema = Type.Object({ id: Type.Integer(), username: Type.String(), role: RoleSchema });

export const PasswordField = Type.String({
  maxLength: PASSWORD_MAX_LENGTH,
  description: 'At least 10 characters',
});
export const UsernameField = Type.String({ pattern: USERNAME_PATTERN });

export const CreateUserBody = Type.Object(
  { username: UsernameField, password: PasswordField, role: RoleSchema },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    password: Type.Optional(PasswordField),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
