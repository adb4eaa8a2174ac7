import type { FastifyRequest } from 'fastify';
import { clientMeta } from '../http/client-meta.js';
import { requireUser } from '../http/access.js';
import { errorResponses, NoContent } from '../http/schemas.js';
import type { RoutePlugin } from '../http/types.js';
import type { VaultStatus } from './vault-backend.js';
import {
  AddKeyBody,
  CreateBody,
  CreatedVault,
  KeySlotsSchema,
  LockBody,
  PasswordBody,
  RemoveKeyBody,
  SlotAnswer,
  SlotParams,
  UnlockBody,
  VaultStatusSchema,
} from './vault.schemas.js';
import { AppError } from '../errors.js';

export const vaultRoutes: RoutePlugin = async (app, { services }) => {
  const { vault, auth } = services;
  const actor = (request: FastifyRequest) => ({ user: requireUser(request), ip: request.ip });
  const view = (status: VaultStatus, admin: boolean) => ({
    state: status.state,
    reason: status.reason,
    reasonCode: status.reasonCode,
    backend: vault.backendKind,
    insecure: vault.backendKind === 'dir',
    details: admin ? status.details : null,
  });
  const tags = ['vault'];

  app.get(
    '/api/vault',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Vault state (details for admins)', response: { 200: VaultStatusSchema } },
    },
    async (request) => view(await vault.status(), requireUser(request).role === 'admin'),
  );

  app.post(
    '/api/vault/unlock',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Open and mount the vault',
        body: UnlockBody,
        response: { 200: VaultStatusSchema, ...errorResponses(403, 409, 423, 429, 503) },
      },
    },
    async (request) => view(await vault.unlock(actor(request), request.body.passphrase), true),
  );

  app.post(
    '/api/vault/lock',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Safe lock: stop writers, flush, unmount, close',
        body: LockBody,
        response: { 200: VaultStatusSchema, ...errorResponses(409, 423, 503) },
      },
    },
    async (request) => view(await vault.lock(actor(request), request.body.force === true), true),
  );

  app.post(
    '/api/vault/create',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Format the device as a LUKS2 vault; answers the recovery key once',
        body: CreateBody,
        response: { 201: CreatedVault, ...errorResponses(403, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const who = actor(request);
      const { passphrase, confirmDevice, password, wipe } = request.body;
      await auth.reauthenticate(who.user, password, clientMeta(request), 'vault.create');
      const device = (await vault.status()).details.device;
      if (device === null || confirmDevice !== device) {
        throw new AppError('CONFIRMATION_MISMATCH', 400, 'Type the device path exactly as shown to confirm.');
      }
      const created = await vault.create(who, { passphrase, wipe: wipe === true });
      return reply.code(201).send({ recoveryKey: created.recoveryKey, vault: view(created.status, true) });
    },
  );

  app.get(
    '/api/vault/keyslots',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Key slots in use',
        response: { 200: KeySlotsSchema, ...errorResponses(409, 503) },
      },
    },
    async () => {
      const luks = (await vault.status()).details.luks;
      if (luks === null) throw new AppError('VAULT_ABSENT', 409, 'There is no LUKS vault.');
      return { slots: luks.slots, total: luks.slotsTotal };
    },
  );

  app.post(
    '/api/vault/keyslots',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Add a passphrase in a new key slot',
        body: AddKeyBody,
        response: { 201: SlotAnswer, ...errorResponses(403, 409, 503) },
      },
    },
    async (request, reply) => {
      const { passphrase, newPassphrase } = request.body;
      return reply.code(201).send({ slot: await vault.addKey(actor(request), passphrase, newPassphrase) });
    },
  );

  app.delete(
    '/api/vault/keyslots/:slot',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove a key slot (never the last one)',
        params: SlotParams,
        body: RemoveKeyBody,
        response: { 204: NoContent, ...errorResponses(403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      await vault.removeKey(actor(request), request.params.slot, request.body.passphrase);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/vault/passphrase',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a passphrase (in its key slot)',
        body: AddKeyBody,
        response: { 200: SlotAnswer, ...errorResponses(403, 409, 503) },
      },
    },
    async (request) => ({
      slot: await vault.changeKey(actor(request), request.body.passphrase, request.body.newPassphrase),
    }),
  );

  app.post(
    '/api/vault/header-backup',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Download a LUKS header backup (keep it offline: it holds the key slots)',
        body: PasswordBody,
        response: { ...errorResponses(403, 409, 503) },
      },
    },
    async (request, reply) => {
      const who = actor(request);
      await auth.reauthenticate(who.user, request.body.password, clientMeta(request), 'vault.header_backup');
      const backup = await vault.headerBackup(who);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="vigil-vault-header-${backup.uuid}.img"`)
        .send(backup.bytes);
    },
  );
};
