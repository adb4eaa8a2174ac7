import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';

/** A route plugin: gets the services from the composition root, registers a few routes. */
export type RoutePlugin = FastifyPluginAsyncTypebox<{ services: Services }>;
