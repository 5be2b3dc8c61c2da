import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './app-router';

/** Every procedure's input, e.g. `RouterInputs['auth']['signIn']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Every procedure's output, e.g. `RouterOutputs['system']['version']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
