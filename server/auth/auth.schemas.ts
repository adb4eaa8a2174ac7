import { Type } from 'typebox';
import { PasswordField } from '../users/users.schemas.js';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);

export const SetupBody = Type.Object(
  {
    username: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
    token: Type.Optional(Type.String({ maxLength: 200, description: 'The one-time token from the console' })),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ maxLength: PASSWORD_MAX_LENGTH }), newPassword: PasswordField },
  { additionalProperties: false },
);
