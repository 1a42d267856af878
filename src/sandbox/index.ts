// The sandbox as the composition root loads it, in sandbox mode only: the production build keeps this
// (and everything under it) in its own file, dist/sandbox.js, which production never opens.
export { startSandbox, warnIfOutOfStep } from './sandbox';
export { sandboxConsoleRoutes } from './console/console-routes';
